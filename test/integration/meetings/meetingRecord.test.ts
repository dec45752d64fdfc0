/**
 * The live meeting card through the real bot (activity level, several users,
 * real Cosmos on the embedded server, the durable outbox to a loopback
 * connector): posted in the meeting chat at the start event, sections saved
 * at the same moment by several people, the same section by two, a chat
 * member outside the network, join events, finishing twice, a forged finish.
 */
import { strict as assert } from 'node:assert';
import { NINA, OLE, TENANT, TestBot, TestUser, actionData, cardsOf } from '../../support/testBot';
import { CITIZEN, KARI, callMeeting, inTenDays, planWithNetwork } from '../../support/planScenario';
import { waitFor } from '../../support/planScenario';
import { CosmosPlanStore } from '../../../src/plans/storage/planRepository';
import { CosmosAuditLog } from '../../../src/platform/audit/auditRepository';
import type { CoordinationMeeting } from '../../../src/meetings/domain/meeting';
import type { MeetingRecord } from '../../../src/meetings/domain/meetingRecord';
import { FINISHED_JOB_KIND } from '../../../src/meetings/notify/recordJobs';
import { currentVersion } from '../../../src/plans/domain/planHistory';
import { planFinishedBy } from '../../../src/meetings/domain/meetingRecordFinish';
import type { CarePlan } from '../../../src/plans/domain/carePlan';

type Card = Record<string, unknown>;
const CHAT = '19:meeting_capture-test@thread.v2';
/** In the meeting chat, not in the plan's network. */
const STRANGER: TestUser = { aadObjectId: '00000000-0000-4000-8000-00000000d009', name: 'Sara Fremmed', tenantId: TENANT };

describe('meeting card through the bot (several users, real Cosmos and outbox)', function () {
  this.timeout(60_000);
  let bot: TestBot;
  let meetingId: string;
  let plan: CarePlan;

  const containers = () => bot.bot!.store.containers;
  const planNow = async () => (await new CosmosPlanStore(containers().plans!).get(TENANT, plan.id))!;
  const record = async () => (await containers().meetingRecords!.item(meetingId, TENANT).read<MeetingRecord>()).resource!;
  const contactOf = (name: string) => plan.contacts.find((c) => c.name === name)!.id;

  /** An activity in the meeting chat, as Teams sends it. */
  const inChat = (user: TestUser, extra: Record<string, unknown>) => ({
    ...bot.activityFrom(user),
    conversation: { id: CHAT, conversationType: 'groupChat', tenantId: TENANT, isGroup: true },
    ...extra,
  });
  /** A click on the meeting card in the meeting chat; resolves with the card that replaces it for this user. */
  async function execute(user: TestUser, data: Record<string, unknown>): Promise<Card> {
    const res = await bot.post(inChat(user, { type: 'invoke', name: 'adaptiveCard/action', replyToId: 'card-1', value: { action: { type: 'Action.Execute', verb: 'record', data }, trigger: 'manual' } }));
    const body = res.body as { statusCode?: number; value?: Card };
    assert.equal(body.statusCode, 200, JSON.stringify(res.body));
    return body.value!;
  }
  const view = (user: TestUser) => execute(user, { action: 'view', meetingId });
  const save = (user: TestUser, section: string, rev: number, fields: Record<string, string>, ids = '') => execute(user, { action: 'save', meetingId, section, rev, ids, ...fields });
  const event = (user: TestUser, name: string, value: unknown) => bot.post(inChat(user, { type: 'event', name, value }));
  const inputValue = (card: Card, id: string): unknown => {
    let found: unknown;
    const walk = (n: unknown): void => {
      if (Array.isArray(n)) return n.forEach(walk);
      if (n && typeof n === 'object') {
        const o = n as Record<string, unknown>;
        if (o.id === id && typeof o.type === 'string' && o.type.startsWith('Input.')) found = o.value;
        Object.values(o).forEach(walk);
      }
    };
    walk(card);
    return found;
  };

  beforeEach(async () => {
    bot = await new TestBot().start();
    await planWithNetwork(bot);
    const organiser = await callMeeting(bot);
    meetingId = actionData(organiser, 'checklistView').meetingId as string;
    const item = containers().meetings!.item(meetingId, TENANT);
    const { resource } = await item.read<CoordinationMeeting>();
    plan = (await new CosmosPlanStore(containers().plans!).get(TENANT, resource!.planId))!;
    // Samspil in the meeting chat: the leader links the chat to the plan's meeting ("@Samspil tilknyt KIP-…").
    const linked = await bot.post(inChat(NINA, { type: 'message', text: `tilknyt ${plan.reference}` }));
    assert.ok(linked.status < 300);
    assert.equal((await item.read<CoordinationMeeting>()).resource!.chatId, CHAT, 'the chat is linked to the meeting');
  });
  afterEach(async () => bot.stop());

  it('the start event posts the card in the meeting chat through the outbox: the reference and the agenda, refreshed for the network', async () => {
    const res = await event(NINA, 'application/vnd.microsoft.meetingStart', { Id: 'meeting-1', MeetingType: 'Scheduled', Title: 'Koordinationsmøde', StartTime: new Date().toISOString() });
    assert.ok(res.status < 300);
    // The meeting card (the meeting-chat capability also says it is ready, in a notice of its own).
    const recordCards = () => cardsOf(bot.connector.sent.filter((s) => s.conversationId === CHAT && s.method === 'POST')).filter((c) => JSON.stringify(c).includes('"verb":"record"'));
    const [posted] = await waitFor('the card in the meeting chat', () => {
      const cards = recordCards();
      return cards.length ? cards : undefined;
    });
    const json = JSON.stringify(posted);
    assert.ok(json.includes(plan.reference));
    assert.ok(json.includes('Velkomst'));
    assert.ok(!json.includes(CITIZEN.name), 'no citizen name in the chat history');
    const refresh = (posted as { refresh: { userIds: string[] } }).refresh;
    assert.ok(refresh.userIds.includes(`8:orgid:${NINA.aadObjectId}`) && refresh.userIds.includes(`8:orgid:${OLE.aadObjectId}`));
    assert.ok(!refresh.userIds.includes(`8:orgid:${STRANGER.aadObjectId}`));
    // A second start event (a meeting restarted) posts nothing new.
    await event(NINA, 'application/vnd.microsoft.meetingStart', { Id: 'meeting-1' });
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(recordCards().length, 1);
  });

  it('three users save different sections at the same moment: all three are kept', async () => {
    await view(NINA);
    await Promise.all([
      save(NINA, 'summary', 0, { summary: 'Nina opsummerer' }),
      save(OLE, 'round', 0, { roundShared: 'Ole fortæller om bostøtten' }),
      save(KARI, 'areas', 0, { area0: 'Bolig', area1: 'Søvn' }),
    ]);
    const card = JSON.stringify(await view(NINA));
    for (const text of ['Nina opsummerer', 'Ole fortæller om bostøtten', 'Bolig', 'Søvn']) assert.ok(card.includes(text), text);
    const r = await record();
    assert.equal(r.sections.summary?.rev, 1);
    assert.equal(r.sections.round?.rev, 1);
    assert.equal(r.sections.areas?.rev, 1);
  });

  it('two people add an action from cards drawn at the same moment: both actions are kept; a double click adds one', async () => {
    const add = (user: TestUser, what: string, resp: string) => save(user, 'actions', 0, { a0_what: what, a0_resp: contactOf(resp), a0_deadline: inTenDays }, '');
    await Promise.all([add(NINA, 'Søge bolig', 'Ole Bostøtte'), add(OLE, 'Lægetjek', 'Nina Sygeplejerske'), add(NINA, 'Søge bolig', 'Ole Bostøtte')]);
    assert.deepEqual((await record()).content.actions.map((a) => a.what).sort(), ['Lægetjek', 'Søge bolig']);
    await add(OLE, 'Lægetjek', 'Nina Sygeplejerske');
    assert.equal((await record()).content.actions.length, 2, 'a retried click adds nothing');
  });

  it('two people add a warning sign from cards drawn at the same moment: one list wins, the other stays on the card with its author', async () => {
    await Promise.all([save(NINA, 'warnings', 0, { w0_sign: 'Sover dårligt', w0_response: 'Ring til Ole' }, ''), save(OLE, 'warnings', 0, { w0_sign: 'Aflyser aftaler', w0_response: 'Nina tager kontakt' }, '')]);
    const card = JSON.stringify(await view(KARI));
    for (const text of ['Sover dårligt', 'Aflyser aftaler']) assert.ok(card.includes(text), `${text} is not lost silently`);
  });

  it('two save the same field: the later wins and the earlier is shown as replaced – nothing lost silently', async () => {
    await save(NINA, 'summary', 0, { summary: 'Ninas udgave af opsummeringen' });
    const ole = await save(OLE, 'summary', 0, { summary: 'Oles udgave af opsummeringen' });
    assert.match(JSON.stringify(ole), /En anden havde gemt dette afsnit/);
    const ninaSees = JSON.stringify(await view(NINA));
    assert.ok(ninaSees.includes('Oles udgave af opsummeringen'));
    assert.match(ninaSees, /Ændret af Ole Bostøtte kl\. \d\d:\d\d – Nina Sygeplejerskes udgave: Ninas udgave af opsummeringen/);
  });

  it('a chat member outside the network gets card JSON with no citizen data (every entered value searched)', async () => {
    const values = {
      summary: 'Jens vil gerne have fast nattevagt',
      roundShared: 'Søvnproblemer siden marts',
      a0_what: 'Søge bolig i Korsør',
      w0_sign: 'Trækker sig fra søsteren',
      w0_response: 'Kari ringer til Ole',
      approvalHow: 'Mundtligt med bisidder',
      noneReason: 'Jens ønsker pause',
    };
    await save(NINA, 'summary', 0, { summary: values.summary });
    await save(NINA, 'round', 0, { roundShared: values.roundShared });
    await save(NINA, 'actions', 0, { a0_what: values.a0_what, a0_resp: contactOf('Ole Bostøtte'), a0_deadline: inTenDays }, '');
    await save(NINA, 'warnings', 0, { w0_sign: values.w0_sign, w0_response: values.w0_response }, '');
    await save(NINA, 'approval', 0, { approval: 'given', approvalHow: values.approvalHow });
    await save(NINA, 'next', 0, { noneReason: values.noneReason });
    const card = JSON.stringify(await view(STRANGER));
    const secret = [...Object.values(values), CITIZEN.name, CITIZEN.address, CITIZEN.dreams, ...plan.contacts.map((c) => c.name), ...plan.contacts.map((c) => c.id), inTenDays];
    for (const v of secret) assert.ok(!card.includes(v), `leaked to a non-member: ${v}`);
    assert.ok(card.includes(plan.reference) && card.includes('Velkomst'), 'the reference and the agenda');
    // Their save and finish are refused the same way: the agenda only, nothing changes.
    const forged = JSON.stringify(await save(STRANGER, 'summary', 1, { summary: 'Overskrevet' }));
    assert.ok(!forged.includes(values.summary));
    assert.equal((await record()).content.summary.text, values.summary);
    const audit = await new CosmosAuditLog(containers().audit!).listForPlan(TENANT, plan.id);
    const refusals = audit.filter((e) => e.action === 'access.denied' && e.actorId === STRANGER.aadObjectId && e.details?.reason === 'notMember');
    assert.ok(refusals.some((e) => e.details?.meetingId === meetingId), 'the forged save is audited as its own refusal');
  });

  it('join events mark attendance', async () => {
    await view(NINA);
    await event(NINA, 'application/vnd.microsoft.meetingParticipantsJoin', { members: [{ user: { id: `29:${OLE.aadObjectId}`, aadObjectId: OLE.aadObjectId }, meeting: { inMeeting: true, role: 'Attendee' } }] });
    const r = await record();
    assert.equal(r.content.attendance.byContact[contactOf('Ole Bostøtte')], 'present');
    assert.deepEqual(r.joined, [contactOf('Ole Bostøtte')]);
    assert.equal(inputValue(await execute(NINA, { action: 'view', meetingId, edit: 'attendance' }), `att_${contactOf('Ole Bostøtte')}`), 'present');
    assert.match(JSON.stringify(await view(NINA)), /Ole Bostøtte: Til stede \(deltog i Teams\)/);
    // The checklist's "attendance" … and the meeting end offers finishing (the record knows it ended).
    await event(NINA, 'application/vnd.microsoft.meetingEnd', { Id: 'meeting-1', EndTime: new Date().toISOString() });
    assert.equal((await record()).ended, true);
    assert.match(JSON.stringify(await view(NINA)), /Mødet i Teams er slut.*Afslut og send planen/, 'the leader is offered finishing');
    assert.doesNotMatch(JSON.stringify(await view(KARI)), /Mødet i Teams er slut|"action":"finish"/, 'not to others');
  });

  it('forged or broken card data (wrong types, an unknown section, an oversized field) is refused with a clear answer, changes nothing and is audited', async () => {
    await save(NINA, 'summary', 0, { summary: 'Den rigtige opsummering' });
    const forged: Array<[TestUser, Record<string, unknown>]> = [
      [NINA, { action: 'save', meetingId, section: 'summary', rev: 'abc', summary: 'Forfalsket' }],
      [NINA, { action: 'save', meetingId, section: 'everything', rev: 1, summary: 'Forfalsket' }],
      [NINA, { action: 'save', meetingId, section: 'summary', rev: 1, summary: 42 }],
      [OLE, { action: 'save', meetingId, section: 'summary', rev: 1, summary: 'x'.repeat(20_000) }],
      [STRANGER, { action: 'finish', meetingId, extra: { nested: true } }],
    ];
    for (const [user, data] of forged) {
      const answer = JSON.stringify(await execute(user, data));
      assert.match(answer, /Intet er ændret|ikke ændret|kunne ikke/i, answer.slice(0, 300));
      assert.ok(!answer.includes('Den rigtige opsummering'), 'no record data in the refusal');
    }
    assert.equal((await record()).content.summary.text, 'Den rigtige opsummering');
    assert.equal((await record()).sections.summary?.rev, 1);
    const audit = await new CosmosAuditLog(containers().audit!).listForPlan(TENANT, plan.id);
    const refused = audit.filter((e) => e.action === 'access.denied' && e.details?.target === 'meetingRecord');
    assert.equal(refused.filter((e) => e.details?.reason === 'invalidPayload').length, 4, JSON.stringify(refused.map((e) => e.details)));
    assert.ok(refused.some((e) => e.actorId === STRANGER.aadObjectId && e.details?.reason === 'notMember'));
    assert.ok(!JSON.stringify(audit).includes('Forfalsket'), 'no free text in the audit trail');
  });

  it('bad input is refused on the card with a message, and nothing is saved', async () => {
    const same = JSON.stringify(await save(NINA, 'roles', 0, { leader: contactOf('Nina Sygeplejerske'), noteTaker: contactOf('Nina Sygeplejerske') }));
    assert.match(same, /Referenten må ikke være mødelederen/);
    const past = JSON.stringify(await save(NINA, 'actions', 0, { a0_what: 'Bolig', a0_resp: contactOf('Ole Bostøtte'), a0_deadline: '2020-01-01' }, ''));
    assert.match(past, /Datoen er allerede passeret/);
    const noResp = JSON.stringify(await save(NINA, 'actions', 0, { a0_what: 'Bolig', a0_deadline: inTenDays }, ''));
    assert.match(noResp, /Skal udfyldes/);
    const outside = JSON.stringify(await save(NINA, 'coordinator', 0, { coordinator: '00000000-0000-4000-8000-000000000999' }));
    assert.match(outside, /Vælg en person fra planens netværk/);
    const r = await record();
    assert.deepEqual(r.sections, {});
    assert.equal(r.content.roles.noteTakerContactId, undefined);
    assert.deepEqual(r.content.actions, []);
  });

  it('finishing: missing pieces shown; then twice at once makes one version, one hook job, and the record keeps the number', async () => {
    const missing = JSON.stringify(await execute(NINA, { action: 'finish', meetingId }));
    assert.match(missing, /mangler: en koordinator; en dato for næste møde/);
    const before = currentVersion(await planNow()).number;

    await save(NINA, 'roles', 0, { leader: contactOf('Nina Sygeplejerske'), noteTaker: contactOf('Ole Bostøtte') });
    await save(OLE, 'attendance', 0, { [`att_${contactOf('Ole Bostøtte')}`]: 'present', confirmed: 'true', detailsChecked: 'true' });
    await save(OLE, 'actions', 0, { a0_what: 'Søge bolig', a0_resp: contactOf('Ole Bostøtte'), a0_deadline: inTenDays, a1_what: 'Lægetjek', a1_resp: contactOf('Nina Sygeplejerske'), a1_deadline: inTenDays }, ',');
    await save(NINA, 'coordinator', 0, { coordinator: contactOf('Ole Bostøtte') });
    await save(NINA, 'next', 0, { nextDate: inTenDays });
    await save(NINA, 'approval', 0, { approval: 'given', approvalHow: 'Mundtligt' });

    // The leader double-clicks while the note-taker clicks too.
    const answers = await Promise.all([execute(NINA, { action: 'finish', meetingId }), execute(NINA, { action: 'finish', meetingId }), execute(OLE, { action: 'finish', meetingId })]);
    const texts = answers.map((a) => JSON.stringify(a));
    assert.equal(texts.filter((t) => /Mødet er afsluttet\. Planens version/.test(t)).length, 1, texts.join('\n'));
    const after = await planNow();
    assert.equal(currentVersion(after).number, before + 1);
    assert.equal(after.versions!.filter((v) => v.meetingId === meetingId).length, 1);
    const v = currentVersion(after);
    assert.equal(v.source, 'meeting');
    assert.equal(v.approval?.status, 'given');
    assert.deepEqual(after.agreements?.actions.map((a) => a.what), ['Søge bolig', 'Lægetjek']);
    assert.equal(after.agreements?.coordinator?.contactId, contactOf('Ole Bostøtte'));
    assert.deepEqual(after.agreements?.nextMeeting, { date: inTenDays });
    assert.equal((await record()).finished?.versionNumber, v.number);

    const { resources: jobs } = await containers().schedule!.items.query({ query: 'SELECT * FROM c WHERE c.kind = @k', parameters: [{ name: '@k', value: FINISHED_JOB_KIND }] }).fetchAll();
    assert.equal(jobs.length, 1, 'one hook job');
    assert.equal(jobs[0].payload.versionNumber, v.number);
    // The scheduler runs it: the plans capability's distribution sends the new version – once – to each contact in Teams.
    await waitFor('the hook job to run', async () => ((await bot.bot!.jobs.get(jobs[0].id))?.status === 'done' ? true : undefined));
    const toOle = () => cardsOf(bot.connector.sent.filter((s) => s.conversationId === `a:personal-${OLE.aadObjectId}` && s.method === 'POST')).filter((c) => JSON.stringify(c).includes('Godkend mine indsatser'));
    await waitFor('the new version in Ole\'s chat', () => (toOle().length ? true : undefined));
    await new Promise((r) => setTimeout(r, 500));
    assert.equal(toOle().length, 1, 'one distribution');

    // The checklist's during items ticked themselves from what was captured.
    const { resource: meeting } = await containers().meetings!.item(meetingId, TENANT).read<CoordinationMeeting>();
    for (const key of ['leader', 'noteTaker', 'actions', 'coordinator', 'nextDate', 'citizenApproval', 'detailsChecked']) assert.ok(meeting!.checklist[key], key);
    // After: the hook queued the distribution, so "the plan is sent to all" ticks itself (once the job is done).
    await waitFor('planSentToAll ticked', async () => ((await containers().meetings!.item(meetingId, TENANT).read<CoordinationMeeting>()).resource!.checklist.planSentToAll ? true : undefined));
    assert.ok((await record()).distributed?.at);
  });

  it('a crash between the version and the hook is healed by the next click: the same version, the hook queued once', async () => {
    await save(NINA, 'coordinator', 0, { coordinator: contactOf('Ole Bostøtte') });
    await save(NINA, 'next', 0, { nextDate: inTenDays });
    // The first finish made the version, then the process died: no hook job, the record not marked.
    const plans = new CosmosPlanStore(containers().plans!);
    const recordNow = await record();
    const crashed = await plans.update(TENANT, plan.id, (p) => planFinishedBy(p, recordNow, { userId: NINA.aadObjectId, name: NINA.name }, new Date()));
    const made = currentVersion(crashed!).number;
    const answer = JSON.stringify(await execute(NINA, { action: 'finish', meetingId }));
    assert.match(answer, new RegExp(`Planens version ${made} er lavet`));
    const again = JSON.stringify(await execute(NINA, { action: 'finish', meetingId }));
    assert.match(again, /Mødet var allerede afsluttet/);
    assert.equal(currentVersion(await planNow()).number, made, 'no second version');
    assert.equal((await record()).finished?.versionNumber, made);
    const { resources: jobs } = await containers().schedule!.items.query({ query: 'SELECT * FROM c WHERE c.kind = @k', parameters: [{ name: '@k', value: FINISHED_JOB_KIND }] }).fetchAll();
    assert.equal(jobs.length, 1);
  });

  it("a non-leader's forged finish is refused and audited, and nothing changes", async () => {
    await save(NINA, 'coordinator', 0, { coordinator: contactOf('Ole Bostøtte') });
    await save(NINA, 'next', 0, { noneReason: 'Afsluttes' });
    const before = await planNow();
    const answer = JSON.stringify(await execute(KARI, { action: 'finish', meetingId }));
    assert.match(answer, /Kun mødelederen eller referenten kan afslutte mødet/);
    const after = await planNow();
    assert.equal(currentVersion(after).number, currentVersion(before).number);
    assert.equal((await record()).finished, undefined);
    const audit = await new CosmosAuditLog(containers().audit!).listForPlan(TENANT, plan.id);
    const denied = audit.find((e) => e.action === 'access.denied' && e.actorId === KARI.aadObjectId && e.details?.target === 'meetingRecord');
    assert.ok(denied, 'audited as access.denied');
    assert.ok(!JSON.stringify(audit).includes('Afsluttes'), 'no free text in the audit trail');
  });

  it('"Indkald til næste møde" on the finished card opens the scheduling flow with the agreed date; from the meeting chat in the personal chat', async () => {
    const inTwentyDays = new Date(Date.now() + 20 * 86_400_000).toISOString().slice(0, 10);
    await save(NINA, 'coordinator', 0, { coordinator: contactOf('Ole Bostøtte') });
    await save(NINA, 'next', 0, { nextDate: inTwentyDays });
    assert.doesNotMatch(JSON.stringify(await view(NINA)), /"action":"next"/, 'not before finishing');
    const finished = await execute(NINA, { action: 'finish', meetingId });
    assert.deepEqual(actionData(finished, 'next'), { action: 'next', meetingId });

    // In the meeting chat: the form goes to Nina's personal chat (once for a double click); the chat gets nothing of it.
    const personal = () => cardsOf(bot.connector.sent.filter((s) => s.conversationId === `a:personal-${NINA.aadObjectId}` && s.method === 'POST')).filter((c) => JSON.stringify(c).includes('"action":"schedule"'));
    const inChatBefore = bot.connector.sent.filter((s) => s.conversationId === CHAT).length;
    const answers = await Promise.all([execute(NINA, { action: 'next', meetingId }), execute(NINA, { action: 'next', meetingId })]);
    for (const a of answers) assert.match(JSON.stringify(a), /venter i din personlige chat/);
    const [form] = await waitFor('the scheduling form in Nina\'s personal chat', () => (personal().length ? personal() : undefined));
    assert.equal(inputValue(form!, 'date'), inTwentyDays, 'the date is filled in');
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(personal().length, 1, 'sent once');
    assert.ok(!JSON.stringify(bot.connector.sent.filter((s) => s.conversationId === CHAT).slice(inChatBefore)).includes('"action":"schedule"'));
    // Someone outside the network gets the agenda card and nothing is sent.
    const stranger = JSON.stringify(await execute(STRANGER, { action: 'next', meetingId }));
    assert.ok(!stranger.includes(CITIZEN.name) && !stranger.includes(inTwentyDays));
    assert.ok(!bot.connector.sent.some((s) => s.conversationId === `a:personal-${STRANGER.aadObjectId}`));

    // In the personal chat the button opens the form in place; sending it is the existing invitation flow.
    const inPlace = (await bot.execute(NINA, 'record', { action: 'next', meetingId })).card as Card;
    assert.equal(inputValue(inPlace, 'date'), inTwentyDays);
    const schedule = actionData(inPlace, 'schedule');
    const fields = { date: inTwentyDays, time: '10:00', durationMinutes: '90', mode: 'virtual', joinUrl: 'https://teams.microsoft.com/l/meetup-join/next', place: '', agenda: inputValue(inPlace, 'agenda') };
    await bot.execute(NINA, 'meeting', { ...schedule, ...fields });
    const { resources } = await containers().meetings!.items.query<CoordinationMeeting>('SELECT * FROM c').fetchAll();
    assert.equal(resources.length, 2, 'the next meeting is called');
    assert.ok(resources.some((m) => m.id !== meetingId && JSON.stringify(m).includes(inTwentyDays)));
  });

  it('in person: "start mødet" and the organiser card\'s button post the same card in the leader\'s personal chat', async () => {
    const sent = await bot.say(NINA, 'start mødet');
    const [card] = cardsOf(sent.filter((s) => s.conversationId === `a:personal-${NINA.aadObjectId}`));
    const json = JSON.stringify(card);
    assert.match(json, /Mødekortet er klar/);
    assert.ok(json.includes(CITIZEN.name), 'the full card for the network member');
    assert.ok(json.includes(`"meetingId":"${meetingId}"`));
    // The button on the organiser's card: the card comes as a new message, the answer says so.
    const organiser = await callMeetingCard();
    const before = bot.connector.sent.length;
    const answer = await bot.execute(NINA, 'record', actionData(organiser, 'start'));
    assert.match(JSON.stringify(answer.card), /Mødekortet er klar/);
    assert.ok(cardsOf(bot.connector.sent.slice(before)).some((c) => JSON.stringify(c).includes('"edit":"roles"')));
    // Not in a group chat: the command works on citizen data.
    const inGroup = await bot.post(inChat(NINA, { type: 'message', text: 'start mødet' }));
    assert.ok(inGroup.status < 300);
    assert.ok(!JSON.stringify(bot.connector.sent.filter((s) => s.conversationId === CHAT)).includes(CITIZEN.name));
  });

  /** Nina's organiser card for the meeting, as "indkald" shows it again. */
  async function callMeetingCard(): Promise<Card> {
    const answer = await bot.execute(NINA, 'meeting', { action: 'organiserView', meetingId });
    return answer.card as Card;
  }
});
