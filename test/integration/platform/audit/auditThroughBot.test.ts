/**
 * The audit trail and "who has seen my plan" through the real bot (restify →
 * CloudAdapter → teams-ai → services → @azure/cosmos → embedded server), at
 * the Bot Framework activity level with several users: a refresh storm of
 * 100 views of one card is one look, a colleague's "cancel" is one refusal
 * and nothing else, an answer is one entry, a download link fetched again is
 * one look; the plan's creator reads the access log as a card, anyone else is
 * refused and the refusal is recorded.
 */
import { strict as assert } from 'node:assert';
import { CosmosAuditLog } from '../../../../src/platform/audit/auditRepository';
import type { AuditEntry } from '../../../../src/platform/audit/audit';
import { NINA, OLE, TestBot, TestUser, actionData, cardsOf, textOf, walkGuide } from '../../../support/testBot';
import { waitFor } from '../../../support/planScenario';

type Card = Record<string, unknown>;
const future = new Date(Date.now() + 10 * 86_400_000).toISOString().slice(0, 10);
const today = new Date().toISOString().slice(0, 10);

describe('audit trail and access log through the bot (several users, real Cosmos)', function () {
  this.timeout(60_000);
  let bot: TestBot;
  let planId: string;

  const trail = async (): Promise<AuditEntry[]> => new CosmosAuditLog(bot.bot!.store.containers.audit!).listForPlan(NINA.tenantId, planId);
  /** What `op` added to the plan's trail: "action" or "access.denied:reason", by whom. */
  async function added(op: () => Promise<unknown>): Promise<Array<[string, string]>> {
    const before = new Set((await trail()).map((e) => e.id));
    await op();
    return (await trail())
      .filter((e) => !before.has(e.id))
      .map((e) => [e.action === 'access.denied' ? `access.denied:${String(e.details?.reason)}` : e.action, e.actorId]);
  }

  /** Teams re-invokes a card with `refresh` every time the user looks at it (trigger "automatic"). */
  async function refresh(user: TestUser, verb: string, data: Record<string, unknown>): Promise<Card> {
    const res = await bot.post({
      type: 'invoke',
      name: 'adaptiveCard/action',
      id: `refresh-${Math.random()}`,
      channelId: 'msteams',
      serviceUrl: bot.serviceUrl,
      locale: 'da-DK',
      from: { id: `29:${user.aadObjectId}`, name: user.name, aadObjectId: user.aadObjectId },
      recipient: { id: '28:samspil-bot', name: 'Samspil' },
      conversation: { id: `a:personal-${user.aadObjectId}`, conversationType: 'personal', tenantId: user.tenantId },
      channelData: { tenant: { id: user.tenantId } },
      replyToId: 'card-viewed',
      value: { action: { type: 'Action.Execute', verb, data }, trigger: 'automatic' },
    });
    return (res.body as { value: Card }).value;
  }

  async function click(user: TestUser, verb: string, card: Card, action: string, fields: Record<string, string> = {}): Promise<Card> {
    const answer = await bot.execute(user, verb, { ...actionData(card, action), ...fields });
    assert.equal(answer.status, 200);
    return answer.card as Card;
  }

  const invitationTo = (user: TestUser) =>
    cardsOf(bot.connector.sent.filter((s) => s.conversationId === `a:personal-${user.aadObjectId}` && s.method === 'POST')).find((c) => /inviteret til et koordinationsmøde/.test(textOf(c)));

  beforeEach(async () => {
    bot = await new TestBot().start();
    bot.connector.members.set(`29:${OLE.aadObjectId}`, { id: `29:${OLE.aadObjectId}`, name: OLE.name, aadObjectId: OLE.aadObjectId, email: 'ole@slagelse.example', userPrincipalName: 'ole@slagelse.example' });
    const created = await walkGuide(bot, NINA, {
      consent: { status: 'given', method: 'written', obtainedOn: today, yourRole: 'Sygeplejerske', yourOrganisation: 'Psykiatrien Vest', yourSector: 'regionPsychiatry', covers: 'shareWithNetwork,coordinationMeetings,involveRelatives' },
      citizen: { name: 'Jens Jensen', dateOfBirth: '1990-04-12', preferredLanguage: 'da', dreams: 'Et arbejde' },
      contacts: [
        { name: 'Ole Bostøtte', role: 'Kontaktperson', sector: 'municipality', email: 'Ole@Slagelse.example' },
        { name: 'Mor Jensen', role: 'Pårørende', sector: 'relative' },
      ],
    });
    planId = String(actionData(created, 'prepare').planId);
    await bot.joinNetwork(OLE); // Ole is asked whether he is the contact with his e-mail, says yes, and joins the network
  });
  afterEach(async () => bot.stop());

  async function schedule(): Promise<Card> {
    const [overview] = cardsOf(await bot.say(NINA, 'mine planer'));
    const form = await click(NINA, 'meeting', overview!, 'prepare');
    return click(NINA, 'meeting', form, 'schedule', {
      date: future, time: '10:00', durationMinutes: '90', mode: 'virtual', joinUrl: 'https://teams.microsoft.com/l/meetup-join/test', place: '', agenda: '1. Velkomst',
    });
  }

  it('the guide and the plan leave exactly one entry per thing that happened', async () => {
    const entries = await trail();
    assert.deepEqual(entries.map((e) => e.action), ['guide.started', 'guide.stepSaved', 'guide.stepSaved', 'guide.stepSaved', 'guide.stepSaved', 'guide.stepSaved', 'plan.created', 'plan.linkOffered', 'plan.linked']);
    assert.deepEqual(await added(() => bot.say(OLE, 'mine planer')), [['plan.read', OLE.aadObjectId]]);
    assert.deepEqual(await added(() => bot.say(OLE, 'mine planer')), [], 'the same look');
  });

  it('a forged or oversized guide payload is one refusal, and nothing of the step it tried', async () => {
    const [consent] = cardsOf(await bot.say(NINA, 'ny plan'));
    const data = actionData(consent, 'consent');
    const draftTrail = () => new CosmosAuditLog(bot.bot!.store.containers.audit!).listForPlan(NINA.tenantId, String(data.draftId));
    assert.deepEqual((await draftTrail()).map((e) => e.action), ['guide.started']);
    const answer = await bot.execute(NINA, 'guide', { ...data, status: 'given', note: 'x'.repeat(20_000) });
    assert.match(textOf(answer.card), /Kortet kunne ikke læses/);
    assert.deepEqual((await draftTrail()).map((e) => [e.action, e.details?.reason]), [['guide.started', undefined], ['access.denied', 'invalidPayload']]);
    await bot.execute(OLE, 'guide', { ...data, status: 'given' });
    assert.deepEqual((await draftTrail()).map((e) => [e.action, e.details?.reason, e.actorId]).slice(2), [['access.denied', 'notOwner', OLE.aadObjectId]]);
  });

  it('a refresh storm of 100 views of the organiser’s card is one meeting.read', async () => {
    const organiser = await schedule();
    const view = actionData(organiser, 'cancel');
    const storm = await added(async () => {
      for (let i = 0; i < 100; i++) {
        const card = await refresh(NINA, 'meeting', { action: 'organiserView', meetingId: view.meetingId });
        assert.match(textOf(card), /Koordinationsmøde/);
      }
    });
    assert.deepEqual(storm, [['meeting.read', NINA.aadObjectId]]);
  });

  it('a refresh storm of 100 views of Ole’s invitation card is one invitation.read; his answer is one invitation.answered', async () => {
    await schedule();
    const invitation = await waitFor('Ole’s invitation', () => invitationTo(OLE));
    const refreshData = (invitation.refresh as { action: { data: Record<string, unknown> } }).action.data;
    const storm = await added(async () => {
      for (let i = 0; i < 100; i++) await refresh(OLE, 'invitation', refreshData);
    });
    assert.deepEqual(storm, [['invitation.read', OLE.aadObjectId]]);
    assert.deepEqual(await added(() => click(OLE, 'invitation', invitation, 'accept')), [['invitation.answered', OLE.aadObjectId]]);
    assert.deepEqual(await added(() => click(OLE, 'invitation', invitation, 'accept')), [], 'the same answer again');
    // A forged answer (a reason far over any limit) on his own invitation: one refusal, his card stays.
    let card: Card = {};
    const forged = await added(async () => (card = (await bot.execute(OLE, 'invitation', { ...actionData(invitation, 'apologies'), reason: 'x'.repeat(10_001) })).card as Card));
    assert.deepEqual(forged, [['access.denied:invalidPayload', OLE.aadObjectId]]);
    assert.match(textOf(card), /Kortet kunne ikke læses/);
  });

  it('Ole pressing "cancel meeting" on Nina’s card: exactly one access.denied (notOrganiser), never meeting.cancelled', async () => {
    const organiser = await schedule();
    const refused = await added(() => click(OLE, 'meeting', organiser, 'cancel'));
    assert.deepEqual(refused, [['access.denied:notOrganiser', OLE.aadObjectId]]);
    assert.ok(!(await trail()).some((e) => e.action === 'meeting.cancelled'));
    // Nina clicks through the confirmation, which asks for a reason.
    assert.deepEqual(await added(() => click(NINA, 'meeting', organiser, 'cancel', { cancelReason: 'Borgeren er indlagt' })), [['meeting.cancelled', NINA.aadObjectId]]);
  });

  it('the mother’s calendar file fetched three times is one look by the link', async () => {
    const organiser = await schedule();
    const urls: string[] = [];
    JSON.stringify(organiser, (k, v) => (k === 'url' && typeof v === 'string' && v.includes('/ics/') ? void urls.push(v) : v));
    const url = urls[0]!.replace(/^http:\/\/localhost:\d+/, `http://127.0.0.1:${bot.bot!.http.port}`);
    const fetched = await added(async () => {
      for (let i = 0; i < 3; i++) assert.equal((await fetch(url)).status, 200);
    });
    assert.deepEqual(fetched, [['meeting.icsDownloaded', `link:${NINA.aadObjectId}`]]);
  });

  it('Nina (the plan’s creator) reads "who has seen my plan"; reading it is itself one entry', async () => {
    const organiser = await schedule();
    await click(OLE, 'meeting', organiser, 'cancel');
    await bot.say(OLE, 'mine planer');
    let log: Card | undefined;
    const read = await added(async () => ([log] = cardsOf(await bot.say(NINA, 'adgangslog'))));
    assert.deepEqual(read, [['plan.accessLogRead', NINA.aadObjectId]]);
    const text = textOf(log);
    assert.match(text, /Hvem har set planen\?/);
    assert.match(text, /Ole Bostøtte – Så planen/);
    assert.match(text, /Ole Bostøtte – Blev afvist: kun mødets indkalder kan gøre det/);
    assert.match(text, /Nina Sygeplejerske – Indkaldte til koordinationsmøde/);
    assert.match(text, /Nina Sygeplejerske – Oprettede planen/);
    assert.ok(text.indexOf('Blev afvist') < text.indexOf('Oprettede planen'), 'newest first');
    assert.doesNotMatch(text, /Jens Jensen/, 'the log names the plan by its reference');
    assert.deepEqual(await added(() => bot.say(NINA, 'hvem har set planen')), [], 'one look');
  });

  it('after Nina undoes Ole’s link, his earlier looks stay in the log, named by the contact he is no longer linked to', async () => {
    await bot.say(OLE, 'mine planer');
    const [ninas] = cardsOf(await bot.say(NINA, 'mine planer'));
    const undone = await added(() => click(NINA, 'planLink', ninas!, 'undo'));
    assert.deepEqual(undone, [['plan.unlinked', NINA.aadObjectId]]);
    const text = textOf(cardsOf(await bot.say(NINA, 'adgangslog'))[0]);
    assert.match(text, /Ukendt bruger \(ikke koblet til Ole Bostøtte\) – Så planen/);
    assert.match(text, /Nina Sygeplejerske – Fjernede en kontaktpersons kobling til Teams/);
  });

  it('the button is on Nina’s overview only; it sends the log as its own message and keeps the overview', async () => {
    const [ninas] = cardsOf(await bot.say(NINA, 'mine planer'));
    const [oles] = cardsOf(await bot.say(OLE, 'mine planer'));
    assert.match(textOf(ninas), /Hvem har set planen\?/);
    assert.doesNotMatch(textOf(oles), /Hvem har set planen\?/);
    const before = bot.connector.sent.length;
    const stays = await click(NINA, 'plan', ninas!, 'accessLog');
    assert.match(textOf(stays), /Jens Jensen/, 'the overview card stays');
    const [log] = cardsOf(bot.connector.sent.slice(before));
    assert.match(textOf(log), /Ole Bostøtte – Så planen/);
  });

  it('anyone else asking gets a clear answer, and the refusal is recorded', async () => {
    const [ninas] = cardsOf(await bot.say(NINA, 'mine planer'));
    let answer = '';
    assert.deepEqual(await added(async () => (answer = textOf(cardsOf(await bot.say(OLE, 'adgangslog'))[0]))), [['access.denied:notCoordinator', OLE.aadObjectId]]);
    assert.match(answer, /Kun planens koordinator kan se, hvem der har set planen/);
    assert.doesNotMatch(answer, /Nina Sygeplejerske/);
    // Ole replaying Nina's button: refused the same way.
    assert.deepEqual(await added(async () => (answer = textOf(await click(OLE, 'plan', ninas!, 'accessLog')))), [['access.denied:notCoordinator', OLE.aadObjectId]]);
    assert.match(answer, /Kun planens koordinator/);
    const stranger: TestUser = { aadObjectId: '00000000-0000-4000-8000-00000000c003', name: 'Kim Udenfor', tenantId: NINA.tenantId };
    assert.deepEqual(await added(async () => (answer = textOf(await click(stranger, 'plan', ninas!, 'accessLog')))), [['access.denied:notMember', stranger.aadObjectId]]);
    assert.match(answer, /ikke adgang/);
  });
});
