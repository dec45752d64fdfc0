/**
 * Acceptance review of issue #10 as an attacker, at the Bot Framework activity
 * level (the real bot over the embedded Cosmos server and the loopback
 * connector): a form id reused for another plan, a reporter removed from the
 * network, the deviation commands and buttons outside personal chat, oversized
 * and mistyped fields, and the bot's log, which must carry no names or texts.
 */
import { strict as assert } from 'node:assert';
import { CosmosAuditLog } from '../../../src/platform/audit/auditRepository';
import { createLogger } from '../../../src/platform/logger';
import type { PlanAgreements } from '../../../src/plans/domain/agreements';
import type { CarePlan, Contact } from '../../../src/plans/domain/carePlan';
import { CosmosPlanStore } from '../../../src/plans/storage/planRepository';
import { CosmosDeviationStore } from '../../../src/deviations/storage/deviationRepository';
import { CardAnswer, NINA, OLE, TENANT, TestBot, actionData, cardsOf, inChatOf, textOf } from '../../support/testBot';
import { OLE_ACTION as ACTION, planWithOleAction } from '../../support/deviationScenario';
import { samplePlan, testEnvironment, uuidOf } from '../../unit/fixtures';

type Card = Record<string, unknown>;
const WHAT = 'Jens kastede med stole på bostedet';
const RESOLUTION = 'Lægen ser Jens i morgen';

/** A second plan of Nina's with Ole in its network (seeded through the repository). */
function secondPlan(): CarePlan {
  const base = samplePlan(testEnvironment('2026-03-10T09:00:00.000Z', 777_000), { tenantId: TENANT, userId: NINA.aadObjectId, name: NINA.name });
  const ole: Contact = { id: uuidOf(0xd001), name: OLE.name, role: 'Støtte', organisation: 'Slagelse Kommune', sector: 'municipality', teamsUserId: OLE.aadObjectId };
  const contacts = [...base.contacts, ole];
  // Ole is the second coordinator here: two coordinators who may click at once.
  const agreements: PlanAgreements = { priorityAreas: [], actions: [], warningSigns: [], secondCoordinator: { contactId: ole.id, since: base.createdAt } };
  return { ...base, id: uuidOf(0xd000), reference: 'KIP-TEST-0002', contacts, memberIds: contacts.flatMap((c) => (c.teamsUserId ? [c.teamsUserId] : [])), agreements };
}

describe('deviations under attack (activity level)', function () {
  this.timeout(60_000);
  const logLines: string[] = [];
  let bot: TestBot;
  let planId: string;
  let otherPlanId: string;

  const ok = (a: CardAnswer): Card => {
    assert.equal(a.status, 200, JSON.stringify(a.raw));
    assert.ok(a.card, 'an answer card');
    return a.card as Card;
  };
  const waitFor = async <T>(what: string, fn: () => T | undefined, ms = 10_000): Promise<T> => {
    const end = Date.now() + ms;
    for (;;) {
      const v = fn();
      if (v !== undefined) return v;
      if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  };
  const deviations = () => new CosmosDeviationStore(bot.bot!.store.containers.deviations!);
  const plans = () => new CosmosPlanStore(bot.bot!.store.containers.plans!);
  const deniedReasons = async (id: string) =>
    (await new CosmosAuditLog(bot.bot!.store.containers.audit!).listForPlan(TENANT, id)).filter((e) => e.action === 'access.denied').map((e) => e.details?.reason);

  before(async () => {
    bot = await new TestBot(undefined, { logger: createLogger('debug', {}, (l) => logLines.push(l)) }).start();
    planId = await planWithOleAction(bot);
    const other = secondPlan();
    await plans().create(other);
    otherPlanId = other.id;
  });
  after(() => bot.stop());

  it('a report form id sent again for another plan is refused, audited, and raises nothing there', async () => {
    const [tasks] = cardsOf(inChatOf(OLE, await bot.say(OLE, 'mine opgaver')));
    const form = ok(await bot.execute(OLE, 'deviation', actionData(tasks, 'reportForm', (d) => d.actionId === ACTION)));
    const data = actionData(form, 'report');
    ok(await bot.execute(OLE, 'deviation', { ...data, what: WHAT, category: 'other', urgency: 'normal', suggestion: '' }));
    await waitFor('the coordinator\'s card', () => inChatOf(NINA, bot.connector.sent).find((s) => s.method === 'POST' && textOf(s.activity).includes(WHAT)));
    const before = bot.connector.sent.length;

    // The same form id, forged onto Ole's other plan (he is in its network too).
    const forged = ok(await bot.execute(OLE, 'deviation', { ...data, planId: otherPlanId, actionId: '', what: WHAT, category: 'other', urgency: 'normal', suggestion: '' }));
    assert.match(textOf(forged), /intet er ændret/i);
    assert.doesNotMatch(textOf(forged), /Jens kastede/, 'the first plan\'s deviation is not shown under the other plan');
    assert.deepEqual(await deviations().listForPlan(TENANT, otherPlanId), []);
    assert.ok((await deniedReasons(otherPlanId)).includes('stale'), 'the refusal is audited on the plan named');
    const otherTrail = await new CosmosAuditLog(bot.bot!.store.containers.audit!).listForPlan(TENANT, otherPlanId);
    assert.ok(!otherTrail.some((e) => e.action === 'deviation.reported'), 'no report is recorded on the other plan');
    assert.equal(bot.connector.sent.slice(before).filter((s) => s.method === 'POST').length, 0, 'nobody is told again');
  });

  it('"Informér netværket" and "Indkald til opfølgningsmøde" clicked twice or retried record and send once; from an older card they are stale', async () => {
    const [d] = (await deviations().listForPlan(TENANT, planId)).filter((x) => x.status === 'open');
    assert.ok(d);
    const card = await waitFor('the coordinator\'s card', () => cardsOf(inChatOf(NINA, bot.connector.sent)).find((c) => textOf(c).includes(WHAT) && JSON.stringify(c).includes('"inform"')));
    const oleContact = (await plans().get(TENANT, planId))!.contacts.find((c) => c.teamsUserId === OLE.aadObjectId)!;
    const inform = { ...actionData(card, 'inform'), informContactIds: oleContact.id, informMessage: 'Lægen er ringet op' };
    const before = bot.connector.sent.length;
    const audited = async (action: string) => (await new CosmosAuditLog(bot.bot!.store.containers.audit!).listForPlan(TENANT, planId)).filter((e) => e.action === action).length;
    const stale = async () => (await deniedReasons(planId)).filter((r) => r === 'stale').length;

    // A double click, then Teams sending the slow click again.
    const answers = [...(await Promise.all([bot.execute(NINA, 'deviation', inform), bot.execute(NINA, 'deviation', inform)])), await bot.execute(NINA, 'deviation', inform)];
    for (const a of answers) assert.match(textOf(ok(a)), /Beskeden er sendt/);
    await waitFor('the network\'s message', () => inChatOf(OLE, bot.connector.sent.slice(before)).find((s) => /Lægen er ringet op/.test(textOf(s.activity))));
    // The outbox sends within milliseconds here: half a second is a generous bound for "no second message".
    await new Promise((r) => setTimeout(r, 500));
    assert.equal(inChatOf(OLE, bot.connector.sent.slice(before)).filter((s) => s.method === 'POST' && /Lægen er ringet op/.test(textOf(s.activity))).length, 1, 'Ole is told once');
    let after = (await deviations().get(TENANT, d.id))!;
    assert.equal(after.history.filter((e) => e.kind === 'networkInformed').length, 1, 'once in the history');
    assert.equal(after.revision, d.revision + 1);
    assert.equal(await audited('deviation.networkInformed'), 1, 'recorded once');

    // "Indkald til opfølgningsmøde" from the card the click answered with, clicked twice: the meeting flow both times, one history entry.
    const fresh = ok(answers[2]!);
    const meetings = await Promise.all([bot.execute(NINA, 'deviation', actionData(fresh, 'followUp')), bot.execute(NINA, 'deviation', actionData(fresh, 'followUp'))]);
    for (const m of meetings) assert.match(textOf(ok(m)), /Indkald til koordinationsmøde/);
    after = (await deviations().get(TENANT, d.id))!;
    assert.equal(after.history.filter((e) => e.kind === 'followUpCalled').length, 1, 'once in the history');
    assert.equal(await audited('deviation.followUpCalled'), 1, 'recorded once');

    // The first card, drawn before both changes: something else to send, or a follow-up, is stale; nothing is sent or noted.
    const refusals = await stale();
    const sentBefore = bot.connector.sent.length;
    assert.match(textOf(ok(await bot.execute(NINA, 'deviation', { ...inform, informMessage: 'Noget andet' }))), /forældet/);
    assert.match(textOf(ok(await bot.execute(NINA, 'deviation', actionData(card, 'followUp')))), /forældet/);
    assert.equal(await stale(), refusals + 2, 'both refusals are audited');
    await new Promise((r) => setTimeout(r, 500));
    assert.equal(inChatOf(OLE, bot.connector.sent.slice(sentBefore)).filter((s) => s.method === 'POST').length, 0, 'nothing more reaches Ole');
    assert.equal((await deviations().get(TENANT, d.id))!.revision, after.revision);
  });

  it('a double click on "Send" reports once; two coordinators acknowledging at once: one wins, the other is told, once in the history', async () => {
    const form = ok(await bot.execute(NINA, 'deviation', { action: 'reportForm', planId: otherPlanId }));
    const fields = { ...actionData(form, 'report'), what: 'Jens svarer ikke', category: 'missedAppointment', urgency: 'urgent', suggestion: '' };
    const both = await Promise.all([bot.execute(NINA, 'deviation', fields), bot.execute(NINA, 'deviation', fields)]);
    for (const a of both) assert.match(textOf(ok(a)), /Jens svarer ikke/);
    const [d, ...more] = await deviations().listForPlan(TENANT, otherPlanId);
    assert.ok(d);
    assert.equal(more.length, 0, 'one deviation');
    // Nina reported; the card goes to the coordinator (Nina, the organiser standing in): once.
    await new Promise((r) => setTimeout(r, 500));
    assert.equal(inChatOf(NINA, bot.connector.sent).filter((s) => s.method === 'POST' && textOf(s.activity).includes('Jens svarer ikke')).length, 1, 'the coordinator is told once');

    const answers = await Promise.all([
      bot.execute(NINA, 'deviation', { action: 'acknowledge', deviationId: d.id }),
      bot.execute(OLE, 'deviation', { action: 'acknowledge', deviationId: d.id }),
    ]);
    const texts = answers.map((a) => textOf(ok(a)));
    assert.equal(texts.filter((t) => /Du har kvitteret/.test(t)).length, 1, texts.join('\n---\n'));
    assert.equal(texts.filter((t) => /forældet/.test(t)).length, 1, 'the other is told nothing changed');
    const after = (await deviations().get(TENANT, d.id))!;
    assert.equal(after.status, 'acknowledged');
    assert.equal(after.history.filter((e) => e.kind === 'acknowledged').length, 1);
    assert.equal(after.revision, d.revision + 1);
  });

  it('after a handover the new coordinator gets the deviations still open, with the buttons, and can close them; the old one no longer can', async () => {
    const [d] = (await deviations().listForPlan(TENANT, otherPlanId)).filter((x) => x.status !== 'closed');
    assert.ok(d, 'an open deviation on the plan');
    const oleContact = (await plans().get(TENANT, otherPlanId))!.contacts.find((c) => c.teamsUserId === OLE.aadObjectId)!;
    const pick = ok(await bot.execute(NINA, 'followUp', { action: 'handoverPick', planId: otherPlanId, role: 'coordinator' }));
    ok(await bot.execute(NINA, 'followUp', { ...actionData(pick, 'handoverAsk'), contactId: oleContact.id }));
    const ask = await waitFor('the request on Ole\'s card', () => cardsOf(inChatOf(OLE, bot.connector.sent)).find((c) => JSON.stringify(c).includes('handoverAccept') && JSON.stringify(c).includes(otherPlanId)));
    const before = bot.connector.sent.length;
    assert.match(textOf(ok(await bot.execute(OLE, 'followUp', actionData(ask, 'handoverAccept')))), /Du er nu koordinator/);

    const card = await waitFor('the open deviation at the new coordinator', () =>
      cardsOf(inChatOf(OLE, bot.connector.sent.slice(before)).filter((x) => x.method === 'POST')).find((c) => textOf(c).includes('Jens svarer ikke')));
    assert.ok(JSON.stringify(card).includes('"close"'), 'with "Luk med afklaring"');
    assert.match(textOf(ok(await bot.execute(NINA, 'deviation', { action: 'close', deviationId: d.id, resolution: 'Nina lukker' }))), /Kun planens koordinator/);
    const closed = ok(await bot.execute(OLE, 'deviation', { ...actionData(card, 'close'), resolution: 'Ole har talt med Jens' }));
    assert.match(textOf(closed), /Lukket af Ole Bostøtte: Ole har talt med Jens/);
    // Accepting again (a retried click) sends nothing twice.
    ok(await bot.execute(OLE, 'followUp', actionData(ask, 'handoverAccept')));
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(cardsOf(inChatOf(OLE, bot.connector.sent.slice(before)).filter((x) => x.method === 'POST')).filter((c) => textOf(c).includes('Jens svarer ikke')).length, 1);
  });

  it('"Udført" on somebody else\'s action by a network member who does not coordinate is refused, audited, and changes nothing', async () => {
    // A third plan: Ole is a plain member; the action is Nina's contact's.
    const base = samplePlan(testEnvironment('2026-03-10T09:00:00.000Z', 888_000), { tenantId: TENANT, userId: NINA.aadObjectId, name: NINA.name });
    const ole: Contact = { id: uuidOf(0xd101), name: OLE.name, role: 'Støtte', organisation: 'Slagelse Kommune', sector: 'municipality', teamsUserId: OLE.aadObjectId };
    const ninaContact = base.contacts.find((c) => c.teamsUserId === NINA.aadObjectId)!;
    const actionId = uuidOf(0xd102);
    const contacts = [...base.contacts, ole];
    const third: CarePlan = {
      ...base, id: uuidOf(0xd100), reference: 'KIP-TEST-0003', contacts, memberIds: contacts.flatMap((c) => (c.teamsUserId ? [c.teamsUserId] : [])),
      agreements: { priorityAreas: [], warningSigns: [], actions: [{ id: actionId, what: 'Ring til lægen', responsibleContactId: ninaContact.id, deadline: '2026-03-20', status: 'open', agreedInVersion: 1 }] },
    };
    await plans().create(third);
    const answer = ok(await bot.execute(OLE, 'deviation', { action: 'done', planId: third.id, actionId, [`note-${actionId}`]: 'Klaret' }));
    assert.match(textOf(answer), /Intet er ændret/);
    const after = (await plans().get(TENANT, third.id))!;
    assert.equal(after.agreements!.actions[0]!.status, 'open');
    assert.ok((await deniedReasons(third.id)).includes('notOwner'));
  });

  it('a reporter removed from the network no longer gets the live card, and its refresh is refused', async () => {
    const helpForm = ok(await bot.execute(OLE, 'deviation', { action: 'helpForm', planId, actionId: ACTION }));
    const status = ok(await bot.execute(OLE, 'deviation', { ...actionData(helpForm, 'report'), what: WHAT, urgency: 'urgent', suggestion: '' }, 'da-DK', 'ole-removed-card'));
    const { deviationId } = actionData(status, 'view');
    assert.ok(deviationId, 'the status card refreshes itself');
    const ninaCard = await waitFor('the coordinator\'s card', () => cardsOf(inChatOf(NINA, bot.connector.sent)).find((c) => JSON.stringify(c).includes(String(deviationId)) && /acknowledge/.test(JSON.stringify(c))));

    // Nina removes Ole from the network (the plan card's own button).
    const plan = (await plans().get(TENANT, planId))!;
    const oleContact = plan.contacts.find((c) => c.teamsUserId === OLE.aadObjectId)!;
    ok(await bot.execute(NINA, 'planCard', { action: 'removeContact', planId, contactId: oleContact.id }));
    assert.ok(!(await plans().get(TENANT, planId))!.memberIds.includes(OLE.aadObjectId), 'Ole is out of the network');

    const before = bot.connector.sent.length;
    ok(await bot.execute(NINA, 'deviation', actionData(ninaCard, 'acknowledge')));
    // The outbox sends updates within milliseconds here; a second is a generous bound for "nothing came".
    await new Promise((r) => setTimeout(r, 1_500));
    const toOle = inChatOf(OLE, bot.connector.sent.slice(before));
    assert.deepEqual(toOle.map((s) => s.method), [], 'no update with the deviation reaches Ole');
    const refreshed = ok(await bot.execute(OLE, 'deviation', { action: 'view', deviationId }, 'da-DK', 'ole-removed-card', undefined, 'automatic'));
    assert.doesNotMatch(textOf(refreshed), /Jens/);
    assert.ok((await deniedReasons(planId)).includes('notMember'));
  });

  it('the deviation commands and buttons work only in personal chat: a channel gets no citizen data', async () => {
    const channel = { conversation: { id: '19:channel@thread.tacv2', conversationType: 'channel', tenantId: TENANT } };
    for (const text of ['afvigelse', 'mine opgaver', 'my tasks']) {
      const sent = await bot.sayIn(NINA, text, channel);
      assert.ok(sent.length > 0, `"${text}" is answered`);
      const json = JSON.stringify(sent);
      assert.match(json, /personlige chat/, `"${text}" says where to ask`);
      assert.ok(!/Jens|Følge Jens|Ole Bostøtte|Sover ikke/.test(json), `"${text}" in a channel shows no plan data`);
    }
    const [d] = await deviations().listForPlan(TENANT, planId);
    const res = await bot.post({
      ...bot.activityFrom(NINA), ...channel, type: 'invoke', name: 'adaptiveCard/action', replyToId: 'channel-card',
      value: { action: { type: 'Action.Execute', verb: 'deviation', data: { action: 'view', deviationId: d!.id } }, trigger: 'manual' },
    });
    const json = JSON.stringify(res.body);
    assert.match(json, /personlige chat/);
    assert.ok(!json.includes('Jens'), 'a click in a channel shows no deviation');
  });

  it('oversized and mistyped fields get a clear answer and store nothing', async () => {
    const before = (await deviations().listForPlan(TENANT, planId)).length;
    const form = ok(await bot.execute(OLE, 'deviation', { action: 'helpForm', planId }));
    assert.match(textOf(form), /Du har ikke adgang|Intet er ændret/, 'Ole is no longer in the network');
    const nina = ok(await bot.execute(NINA, 'deviation', { action: 'reportForm', planId }));
    const data = actionData(nina, 'report');
    const tooLong = ok(await bot.execute(NINA, 'deviation', { ...data, what: 'x'.repeat(2_001), category: 'other', urgency: 'normal' }));
    assert.match(textOf(tooLong), /2000/, 'the form says the limit');
    const huge = ok(await bot.execute(NINA, 'deviation', { ...data, what: 'x'.repeat(25_000), category: 'other', urgency: 'normal' }));
    assert.match(textOf(huge), /Intet er ændret|ikke ændret|kunne ikke/i);
    const typed = ok(await bot.execute(NINA, 'deviation', { ...data, what: WHAT, category: 'other', urgency: 5 }));
    assert.match(textOf(typed), /Intet er ændret|ikke ændret|kunne ikke/i);
    const unknown = ok(await bot.execute(NINA, 'deviation', { ...data, what: WHAT, category: 'theft', urgency: 'normal' }));
    assert.match(textOf(unknown), /Meld afvigelse/, 'the form again, with what to choose');
    assert.equal((await deviations().listForPlan(TENANT, planId)).length, before);
  });

  it('an oversized resolution or message, or a contact from another plan, is refused on the card and changes nothing', async () => {
    const [d] = (await deviations().listForPlan(TENANT, planId)).filter((x) => x.status !== 'closed');
    assert.ok(d);
    const long = ok(await bot.execute(NINA, 'deviation', { action: 'close', deviationId: d.id, resolution: 'x'.repeat(2_001) }));
    assert.match(textOf(long), /højst 2000 tegn/);
    const message = ok(await bot.execute(NINA, 'deviation', { action: 'inform', deviationId: d.id, informContactIds: uuidOf(0xd001), informMessage: 'x'.repeat(2_001) }));
    assert.match(textOf(message), /højst 2000 tegn/);
    // Ole's contact on the other plan: not in this plan's network.
    const refusals = (await deniedReasons(planId)).length;
    const foreign = ok(await bot.execute(NINA, 'deviation', { action: 'inform', deviationId: d.id, informContactIds: uuidOf(0xd001), informMessage: 'Til orientering' }));
    assert.match(textOf(foreign), /forældet|Intet er ændret/i);
    assert.equal((await deniedReasons(planId)).length, refusals + 1, 'the refusal is audited');
    const after = (await deviations().get(TENANT, d.id))!;
    assert.equal(after.revision, d.revision);
    assert.equal(after.status, d.status);
  });

  it('the log carries ids and codes, never a name, the citizen or a deviation text', async () => {
    // Close the deviation too, so the resolution has passed through the bot.
    const [d] = (await deviations().listForPlan(TENANT, planId)).filter((x) => x.status !== 'closed');
    ok(await bot.execute(NINA, 'deviation', { action: 'close', deviationId: d!.id, resolution: RESOLUTION }));
    assert.ok(logLines.length > 10, 'the bot logged');
    assert.ok(logLines.some((l) => l.includes('deviation.action')), 'deviation actions are logged (by code)');
    for (const secret of ['Jens', 'Ærø', 'Ole Bostøtte', 'Nina Sygeplejerske', 'kastede med stole', RESOLUTION, 'Følge Jens', 'Sover ikke']) {
      const line = logLines.find((l) => l.includes(secret));
      assert.equal(line, undefined, `the log holds "${secret}"`);
    }
  });
});
