/**
 * Issue #8 items 6–7 through the real bot (activity level, several users, real
 * Cosmos and outbox): the citizen listed in the guide and invited by the
 * organiser; the organiser records a relative's answer and the tally counts it
 * like Ole's answer in Teams; cancelling asks first (the "no" path changes
 * nothing) and tells the network the reason; "marked as sent" is undone;
 * `indkald` and the overview know a meeting is called; limits are errors on
 * the card; the time names its zone when the organiser is abroad.
 */
import { strict as assert } from 'node:assert';
import { NINA, OLE, TestBot, TestUser, actionData, cardsOf, textOf, walkGuide } from '../../support/testBot';
import { CosmosAuditLog } from '../../../src/platform/audit/auditRepository';
import { CosmosPlanStore } from '../../../src/plans/storage/planRepository';
import { CosmosMeetingStore } from '../../../src/meetings/storage/meetingRepository';
import type { CoordinationMeeting } from '../../../src/meetings/domain/meeting';
import { waitFor } from '../../support/planScenario';

const future = new Date(Date.now() + 10 * 86_400_000).toISOString().slice(0, 10);
const today = new Date().toISOString().slice(0, 10);
type Card = Record<string, unknown>;

async function click(bot: TestBot, user: TestUser, verb: string, card: Card, action: string, fields: Record<string, unknown> = {}, extra?: (d: Record<string, unknown>) => boolean) {
  const answer = await bot.execute(user, verb, { ...actionData(card, action, extra), ...fields });
  assert.equal(answer.status, 200);
  return answer.card as Card;
}

const TALLY = /(\d+) kommer · (\d+) afbud · (\d+) sender en anden · (\d+) mangler svar/;
const tallyOf = (card: unknown) => TALLY.exec(textOf(card))?.slice(1).map(Number);

describe('people outside Teams and the meeting’s confirmations, through the bot', function () {
  this.timeout(60_000);
  let bot: TestBot;

  beforeEach(async () => {
    bot = await new TestBot().start();
    bot.connector.members.set(`29:${OLE.aadObjectId}`, { id: `29:${OLE.aadObjectId}`, name: OLE.name, aadObjectId: OLE.aadObjectId, email: 'ole@slagelse.example', userPrincipalName: 'ole@slagelse.example' });
    // Nina lists Ole (Teams), the citizen's mother and the citizen himself (who needs a Somali interpreter).
    await walkGuide(bot, NINA, {
      consent: { status: 'given', method: 'written', obtainedOn: today, covers: 'shareWithNetwork,coordinationMeetings,involveRelatives', yourRole: 'Sygeplejerske', yourOrganisation: 'Psykiatrien Vest', yourSector: 'regionPsychiatry' },
      citizen: { name: 'Jens Jensen', dateOfBirth: '1990-04-12', preferredLanguage: 'so', dreams: 'Et arbejde' },
      contacts: [
        { name: 'Ole Bostøtte', role: 'Kontaktperson', sector: 'municipality', email: 'Ole@Slagelse.example' },
        { name: 'Mor Jensen', role: 'Mor', sector: 'relative', phone: '+45 55 66 77 88', email: 'mor@privat.example', reachVia: '', interpreter: 'none' },
        { name: 'Jens Jensen', role: 'Borger', sector: 'citizen', phone: '+45 20 30 40 50', reachVia: 'Via bostøtten efter kl. 10', interpreter: 'so' },
      ],
    });
    await bot.joinNetwork(OLE);
  });
  afterEach(async () => bot.stop());

  const scheduleFields = { date: future, time: '10:00', durationMinutes: '90', mode: 'virtual', joinUrl: 'https://teams.microsoft.com/l/meetup-join/outside', place: '', agenda: '1. Velkomst\n2. Runde' };

  async function schedule(user = NINA, activity: Record<string, unknown> = {}): Promise<Card> {
    const [overview] = cardsOf(await bot.say(user, 'mine planer'));
    const form = await click(bot, user, 'meeting', overview!, 'prepare');
    if (!Object.keys(activity).length) return click(bot, user, 'meeting', form, 'schedule', scheduleFields);
    // An organiser whose Teams client reports another zone (the activity carries it).
    const res = await bot.post({ ...bot.activityFrom(user), ...activity, type: 'invoke', name: 'adaptiveCard/action', replyToId: 'card-tz', value: { action: { type: 'Action.Execute', verb: 'meeting', data: { ...actionData(form, 'schedule'), ...scheduleFields } }, trigger: 'manual' } });
    return (res.body as { value: Card }).value;
  }

  const invitationTo = (user: TestUser) =>
    cardsOf(bot.connector.sent.filter((s) => s.conversationId === `a:personal-${user.aadObjectId}` && s.method === 'POST')).find((c) => /inviteret til et koordinationsmøde/.test(textOf(c)));
  const contactId = (card: Card, name: string) =>
    ((JSON.stringify(card).match(new RegExp(`"title":"${name}","value":"([0-9a-f-]{36})"`)) ?? [])[1] as string);
  const meetingOf = async (card: Card) => (await new CosmosMeetingStore(bot.bot!.store.containers.meetings!).get(NINA.tenantId, String(actionData(card, 'organiserView').meetingId)))!;

  it('the citizen is on the list with how to reach him and his interpreter, invited by Nina – never in Teams', async () => {
    const organiser = await schedule();
    const text = textOf(organiser);
    assert.deepEqual(tallyOf(organiser), [1, 0, 0, 3]);
    for (const expected of ['Sikker mail (2)', 'Jens Jensen', '+45 20 30 40 50', 'Via bostøtten efter kl. 10', 'Tolk: Somali', 'Mor Jensen', '+45 55 66 77 88', 'mor@privat.example']) {
      assert.ok(text.includes(expected), `missing ${expected}`);
    }
    // How to answer: Nina's e-mail from her contact (Teams gave none here, so her name and the way to answer).
    assert.match(text, /Svar venligst Nina Sygeplejerske[^\n]*: kommer du, eller melder du afbud\?/);
    await waitFor('Ole’s invitation', () => invitationTo(OLE));
    const toOthers = bot.connector.sent.filter((s) => s.conversationId !== `a:personal-${OLE.aadObjectId}` && s.conversationId !== `a:personal-${NINA.aadObjectId}`);
    assert.deepEqual(toOthers, [], 'nothing goes to anyone else in Teams');
  });

  it('a relative’s answer recorded by the organiser shows in the tally like a Teams answer; audited; nobody else can record', async () => {
    const organiser = await schedule();
    const invitation = await waitFor('Ole’s invitation', () => invitationTo(OLE));
    const mor = contactId(organiser, 'Mor Jensen');

    // Ole sends apologies in Teams; Nina records the mother's apologies, given by phone.
    const oleAnswered = await click(bot, OLE, 'invitation', invitation, 'apologies', { reason: 'Kursus' });
    assert.match(textOf(oleAnswered), /Dit svar: Afbud \(Kursus\)/);
    const forged = await click(bot, OLE, 'meeting', organiser, 'recordAnswer', { recordContactId: mor, recordResponse: 'accepted', recordNote: '' });
    assert.match(textOf(forged), /ikke adgang/);
    const recorded = await click(bot, NINA, 'meeting', organiser, 'recordAnswer', { recordContactId: mor, recordResponse: 'apologies', recordNote: 'Ringede tirsdag' });
    assert.match(textOf(recorded), /Svaret fra Mor Jensen er noteret/);
    assert.deepEqual(tallyOf(recorded), [1, 2, 0, 1], 'Ole’s apology in Teams and the mother’s recorded one count alike');
    assert.match(textOf(recorded), /\*\*Ole Bostøtte\*\* – Afbud \(Kursus\)/);
    assert.match(textOf(recorded), /\*\*Mor Jensen\*\* – Afbud \(noteret af Nina Sygeplejerske: Ringede tirsdag\)/);

    // The live card is updated in place too.
    await waitFor('organiser card update', () => cardsOf(bot.connector.sent.filter((s) => s.method === 'PUT')).find((c) => tallyOf(c)?.[1] === 2));
    const meeting = await meetingOf(recorded);
    const audit = await new CosmosAuditLog(bot.bot!.store.containers.audit!).listForPlan(NINA.tenantId, meeting.planId);
    const entry = audit.find((e) => e.action === 'invitation.recorded');
    assert.equal(entry?.actorId, NINA.aadObjectId, 'who recorded it');
    assert.deepEqual(entry?.details, { meetingId: meeting.id, contactId: mor, response: 'apologies' });
    assert.ok(!JSON.stringify(audit).includes('Ringede'), 'no free text in the audit trail');
    assert.ok(audit.some((e) => e.action === 'access.denied' && e.actorId === OLE.aadObjectId), 'Ole’s attempt is audited');
  });

  it('the record form says what is missing or too long, keeps what was typed, and records nothing', async () => {
    const organiser = await schedule();
    const r = await click(bot, NINA, 'meeting', organiser, 'recordAnswer', { recordContactId: '', recordResponse: 'accepted', recordNote: 'n'.repeat(612) });
    assert.match(textOf(r), /Hvem: Skal udfyldes\./);
    assert.match(textOf(r), /Note: Højst 500 tegn – der står 612\./);
    assert.ok(textOf(r).includes('n'.repeat(612)), 'the note is kept, not cut');
    assert.deepEqual(tallyOf(r), [1, 0, 0, 3]);
  });

  it('"Aflys mødet" asks first: "no" changes nothing; "yes" needs a reason; the network is told it, the secure mail is not', async () => {
    const organiser = await schedule();
    const invitation = await waitFor('Ole’s invitation', () => invitationTo(OLE));
    const before = await meetingOf(organiser);
    const sentBefore = bot.connector.sent.length;

    const no = await click(bot, NINA, 'meeting', organiser, 'organiserView', {}, (d) => d.action === 'organiserView');
    assert.doesNotMatch(textOf(no), /Mødet er aflyst/);
    assert.deepEqual(await meetingOf(organiser), before, '"Nej, behold mødet" changes nothing');

    const empty = await click(bot, NINA, 'meeting', organiser, 'cancel', { cancelReason: '  ' });
    assert.match(textOf(empty), /Begrundelse: Skal udfyldes\./);
    const long = await click(bot, NINA, 'meeting', organiser, 'cancel', { cancelReason: 'x'.repeat(600) });
    assert.match(textOf(long), /Begrundelse: Højst 500 tegn – der står 600\./);
    assert.deepEqual(await meetingOf(organiser), before, 'a refused cancellation changes nothing');
    assert.equal(bot.connector.sent.slice(sentBefore).filter((s) => s.conversationId === `a:personal-${OLE.aadObjectId}`).length, 0, 'Ole was told nothing');

    const cancelled = await click(bot, NINA, 'meeting', organiser, 'cancel', { cancelReason: 'Jens er indlagt' });
    const text = textOf(cancelled);
    assert.equal(text.split('Mødet er aflyst').length - 1, 1, 'said once');
    assert.match(text, /Begrundelse: Jens er indlagt/);
    assert.match(text, /Send den med sikker mail/);
    assert.doesNotMatch(JSON.stringify(cancelled), /meetup-join\/outside/, 'no join link');
    assert.equal(tallyOf(cancelled), undefined, 'no tally');
    assert.match(text, /Aflysningstekst til sikker mail/);
    const mail = text.slice(text.indexOf('Aflysning af koordinationsmøde'));
    assert.doesNotMatch(mail, /indlagt/, 'the reason stays out of the secure-mail text');

    const told = await waitFor('Ole’s cancellation', () =>
      cardsOf(bot.connector.sent.filter((s) => s.conversationId === `a:personal-${OLE.aadObjectId}`)).find((c) => /Mødet er aflyst/.test(textOf(c))),
    );
    assert.match(textOf(told), /Begrundelse: Jens er indlagt/);
    assert.doesNotMatch(JSON.stringify(told), /meetup-join\/outside/);
    const late = await bot.execute(OLE, 'invitation', actionData(invitation, 'accept'));
    assert.match(textOf(late.card), /Mødet er aflyst, så svaret er ikke registreret/);
  });

  it('"Markér som sendt" can be undone, and both are audited', async () => {
    const organiser = await schedule();
    const meeting = await meetingOf(organiser);
    const jens = meeting.invitations.find((i) => i.channel === 'manual' && i.contactId !== contactId(organiser, 'Mor Jensen'))!.contactId;
    const marked = await click(bot, NINA, 'meeting', organiser, 'manualSent', {}, (d) => d.contactId === jens);
    assert.match(textOf(marked), /Jens Jensen er markeret som sendt\. Fortryd/);
    assert.match(textOf(marked), /1 markeret som sendt/);
    const undone = await click(bot, NINA, 'meeting', marked, 'manualUnsent', {}, (d) => d.contactId === jens);
    assert.match(textOf(undone), /Jens Jensen står igen som ikke sendt/);
    assert.match(textOf(undone), /0 markeret som sendt/);
    assert.equal((await meetingOf(organiser)).invitations.find((i) => i.contactId === jens)!.manualSentAt, undefined);
    const audit = await new CosmosAuditLog(bot.bot!.store.containers.audit!).listForPlan(NINA.tenantId, meeting.planId);
    assert.deepEqual(audit.filter((e) => e.action.startsWith('invitation.manual')).map((e) => e.action), ['invitation.manualSent', 'invitation.manualUnsent']);
  });

  /** What the bot said to Nina in answer (the outbox may be talking to Ole at the same time). */
  const toNina = async (text: string) => cardsOf((await bot.say(NINA, text)).filter((s) => s.conversationId === `a:personal-${NINA.aadObjectId}`));

  it('`indkald` says a meeting is called and opens it; the overview says so and offers no second one', async () => {
    const organiser = await schedule();
    const [overview] = await toNina('mine planer');
    assert.match(textOf(overview), /Koordinationsmødet er indkaldt til/);
    assert.throws(() => actionData(overview, 'prepare'), /no Action.Execute "prepare"/);

    const [exists] = await toNina('indkald');
    assert.match(textOf(exists), /Der er allerede indkaldt til koordinationsmøde om Jens Jensen/);
    const opened = await click(bot, NINA, 'meeting', exists!, 'organiserView');
    assert.equal(actionData(opened, 'organiserView').meetingId, actionData(organiser, 'organiserView').meetingId);
    const another = await click(bot, NINA, 'meeting', exists!, 'prepare');
    assert.match(textOf(another), /Indkald til koordinationsmøde/, 'an extra meeting only when asked for');
  });

  it('an apology reason over the limit is an error on Ole’s card, kept as typed, nothing saved', async () => {
    await schedule();
    const invitation = await waitFor('Ole’s invitation', () => invitationTo(OLE));
    const reason = 'r'.repeat(612);
    const answer = await click(bot, OLE, 'invitation', invitation, 'apologies', { reason });
    assert.match(textOf(answer), /Højst 500 tegn – der står 612/);
    assert.ok(textOf(answer).includes(reason), 'what he typed is on the card');
    assert.match(textOf(answer), /Dit svar: Mangler svar/);
  });

  it('an organiser whose client reports London sees the Danish time beside hers', async () => {
    const organiser = await schedule(NINA, { localTimezone: 'Europe/London' });
    assert.match(textOf(organiser), /10\.00–11\.30 \(11\.00–12\.30 dansk tid\)/);
    assert.match(textOf(organiser), /Klokkeslæt \(Europe\/London\)/, 'the change form names its zone');
    const meeting: CoordinationMeeting = await meetingOf(organiser);
    assert.equal(meeting.timeZone, 'Europe/London');
  });

  it('the plan keeps the citizen’s interpreter and way to reach him', async () => {
    const plans = new CosmosPlanStore(bot.bot!.store.containers.plans!);
    const [listed] = await plans.listForMember(NINA.tenantId, NINA.aadObjectId, { limit: 10 });
    const plan = await plans.get(NINA.tenantId, listed!.id);
    const citizen = plan!.contacts.find((c) => c.sector === 'citizen')!;
    assert.deepEqual([citizen.interpreter, citizen.reachVia, citizen.teamsUserId], ['so', 'Via bostøtten efter kl. 10', undefined]);
    assert.equal(plan!.contacts.find((c) => c.name === 'Mor Jensen')!.interpreter, undefined);
  });
});
