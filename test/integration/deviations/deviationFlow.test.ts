/**
 * Deviations at the Bot Framework activity level, the real bot over the
 * embedded Cosmos server and the loopback connector, two users: Ole (the
 * responsible contact) opens "mine opgaver" and reports an urgent deviation on
 * an action; Nina (the coordinator, standing in as organiser) gets the card
 * within 5 s with 20 plans × 5 contacts in the store, acknowledges, and Ole's
 * card shows it; forged clicks are refused; "vis plan" shows the deviation.
 */
import { strict as assert } from 'node:assert';
import { CosmosAuditLog } from '../../../src/platform/audit/auditRepository';
import { planReference, type CarePlan, type Contact } from '../../../src/plans/domain/carePlan';
import type { PlanAgreements } from '../../../src/plans/domain/agreements';
import { CosmosPlanStore } from '../../../src/plans/storage/planRepository';
import { CosmosDeviationStore } from '../../../src/deviations/storage/deviationRepository';
import { CardAnswer, NINA, OLE, TENANT, TestBot, TestUser, actionData, cardsOf, inChatOf, textOf } from '../../support/testBot';
import { OLE_ACTION as ACTION, inDays, planWithOleAction } from '../../support/deviationScenario';
import { samplePlan, testEnvironment, uuidOf } from '../../unit/fixtures';
import { inputIds } from '../../unit/platform/cards/adaptiveCardCheck';

type Card = Record<string, unknown>;
const MALLORY: TestUser = { aadObjectId: '00000000-0000-4000-8000-00000000c003', name: 'Mallory', tenantId: TENANT };

/** A plan of Nina's with Ole and three more contacts, and one action for Ole (not Nina's guide plan: seeded). */
function seededPlan(i: number): CarePlan {
  const base = samplePlan(testEnvironment('2026-03-10T09:00:00.000Z', 10_000 * (i + 1)), { tenantId: TENANT, userId: NINA.aadObjectId, name: NINA.name });
  const extra: Contact[] = [OLE, ...[1, 2].map((k) => ({ aadObjectId: uuidOf(0xe000 + i * 10 + k), name: `Kontakt ${k}` }))].map((u, k) => ({
    id: uuidOf(0xf000 + i * 10 + k), name: u.name, role: 'Støtte', organisation: 'Slagelse Kommune', sector: 'municipality', teamsUserId: u.aadObjectId,
  }));
  const contacts = [...base.contacts, ...extra];
  const agreements: PlanAgreements = {
    priorityAreas: [], warningSigns: [],
    actions: [{ id: uuidOf(0xb000 + i), what: `Indsats ${i}`, responsibleContactId: extra[0]!.id, deadline: inDays(5 + i), status: 'open', agreedInVersion: 1 }],
  };
  // Its own id and reference: the fixture's plan id is fixed, and a second create of the same id is silently a no-op.
  return { ...base, id: uuidOf(0x9100 + i), reference: planReference(new Uint8Array([0, 0, 0x10, 0, i])), contacts, memberIds: contacts.flatMap((c) => (c.teamsUserId ? [c.teamsUserId] : [])), agreements };
}

describe('deviations in chat: my tasks, a report, the coordinator\'s card, acknowledgement', function () {
  this.timeout(60_000);
  let bot: TestBot;
  let planId: string;

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

  before(async () => {
    bot = await new TestBot().start();
    planId = await planWithOleAction(bot);
    const plans = new CosmosPlanStore(bot.bot!.store.containers.plans!);
    // 19 more plans with 5 contacts each: 20 × 5 in the store.
    for (let i = 0; i < 19; i++) await plans.create(seededPlan(i));
    assert.equal((await plans.listForMember(TENANT, OLE.aadObjectId, { limit: 50 })).length, 20, '20 plans with Ole in them');
  });
  after(() => bot.stop());

  it('an urgent deviation on an action from "mine opgaver" reaches the coordinator within 5 s; she acknowledges and the reporter\'s card shows it', async () => {
    const [tasks] = cardsOf(inChatOf(OLE, await bot.say(OLE, 'mine opgaver')));
    assert.ok(tasks);
    assert.match(textOf(tasks), /Følge Jens til lægen/);
    assert.ok(textOf(tasks).indexOf('Følge Jens til lægen') < textOf(tasks).indexOf('Indsats 0'), 'nearest deadline first');
    assert.ok(JSON.stringify(tasks).length < 28_000);

    const form = ok(await bot.execute(OLE, 'deviation', actionData(tasks, 'reportForm', (d) => d.actionId === ACTION)));
    assert.match(textOf(form), /Sover ikke – Aftalt: Ring til bostedet/, 'the warning signs are at hand');
    assert.ok(inputIds(form).includes('category'));
    const before = bot.connector.sent.length;
    const started = Date.now();
    const status = ok(await bot.execute(OLE, 'deviation', { ...actionData(form, 'report'), what: 'Jens åbnede ikke døren', category: 'missedAppointment', urgency: 'urgent', suggestion: '' }, 'da-DK', 'ole-status-card'));
    assert.match(textOf(status), /Venter på koordinatoren/);

    const sentToNina = await waitFor('the coordinator\'s card', () => inChatOf(NINA, bot.connector.sent.slice(before)).find((s) => s.method === 'POST' && /afvigelse/.test(textOf(s.activity))), 5_000);
    const elapsed = Date.now() - started;
    assert.ok(elapsed < 5_000, `reached the coordinator in ${elapsed} ms`);
    const [ninaCard] = cardsOf([sentToNina]);
    assert.match(textOf(ninaCard), /HASTER: ny afvigelse/);
    assert.match(textOf(ninaCard), /Jens åbnede ikke døren/);
    assert.match(textOf(ninaCard), /Ole Bostøtte/);
    assert.match(textOf(ninaCard), /Følge Jens til lægen/);

    const seen = ok(await bot.execute(NINA, 'deviation', actionData(ninaCard, 'acknowledge')));
    assert.match(textOf(seen), /Du har kvitteret/);
    const update = await waitFor('the reporter\'s card updated', () =>
      bot.connector.sent.find((s) => s.method === 'PUT' && s.conversationId === `a:personal-${OLE.aadObjectId}` && /Set af Nina/.test(textOf(s.activity))));
    assert.match(textOf(update.activity), /Set af koordinatoren/);
    // The reporter's card asks for itself again when opened (Universal Actions refresh).
    const refreshed = ok(await bot.execute(OLE, 'deviation', { action: 'view', deviationId: actionData(ninaCard, 'acknowledge').deviationId as string }, 'da-DK', 'ole-status-card', undefined, 'automatic'));
    assert.match(textOf(refreshed), /Set af Nina/);
  });

  it('forged clicks are refused, audited, and change nothing', async () => {
    const [d] = await deviations().listForPlan(TENANT, planId);
    assert.ok(d);
    const revision = d.revision;
    // Ole is in the network but does not coordinate.
    assert.match(textOf(ok(await bot.execute(OLE, 'deviation', { action: 'close', deviationId: d.id, resolution: 'Lukket af mig' }))), /Kun planens koordinator/);
    // Mallory is in no plan.
    assert.match(textOf(ok(await bot.execute(MALLORY, 'deviation', { action: 'close', deviationId: d.id, resolution: 'x' }))), /ikke adgang|findes ikke|Du kan ikke/i);
    assert.doesNotMatch(textOf(ok(await bot.execute(MALLORY, 'deviation', { action: 'view', deviationId: d.id }))), /Jens åbnede/);
    // Broken data.
    assert.match(textOf(ok(await bot.execute(NINA, 'deviation', { action: 'acknowledge', deviationId: 'not-a-uuid' }))), /.+/);
    // A replay of Nina's acknowledgement.
    assert.match(textOf(ok(await bot.execute(NINA, 'deviation', { action: 'acknowledge', deviationId: d.id }))), /forældet/);
    const after = (await deviations().get(TENANT, d.id))!;
    assert.equal(after.revision, revision);
    assert.equal(after.status, 'acknowledged');
    const trail = await new CosmosAuditLog(bot.bot!.store.containers.audit!).listForPlan(TENANT, planId);
    const reasons = trail.filter((e) => e.action === 'access.denied').map((e) => e.details?.reason);
    for (const reason of ['notCoordinator', 'notMember', 'stale']) assert.ok(reasons.includes(reason), `${reason} audited`);
    assert.ok(!JSON.stringify(trail).includes('Jens åbnede'), 'the audit trail has codes only');
  });

  it('"vis plan" shows the plan\'s deviations with their history, to the network', async () => {
    const plan = await new CosmosPlanStore(bot.bot!.store.containers.plans!).get(TENANT, planId);
    const [card] = cardsOf(inChatOf(NINA, await bot.say(NINA, `vis plan ${plan!.reference}`))).filter((c) => /Afvigelser/.test(textOf(c)));
    assert.ok(card, 'the plan card has a deviations section');
    assert.match(textOf(card), /Jens åbnede ikke døren/);
    assert.match(textOf(card), /Set af Nina/);
  });

  it('"Udført" with a note marks the action done; it leaves the list', async () => {
    const [tasks] = cardsOf(inChatOf(OLE, await bot.say(OLE, 'my tasks')));
    const after = ok(await bot.execute(OLE, 'deviation', { ...actionData(tasks!, 'done', (d) => d.actionId === ACTION), [`note-${ACTION}`]: 'Vi var der fredag' }));
    assert.match(textOf(after), /Marked as done|Markeret som udført/);
    assert.equal(textOf(after).split('Følge Jens til lægen').length, 2, 'only in the notice, no longer a task');
    const plan = await new CosmosPlanStore(bot.bot!.store.containers.plans!).get(TENANT, planId);
    const action = plan!.agreements!.actions.find((a) => a.id === ACTION)!;
    assert.equal(action.status, 'done');
    assert.equal(action.done?.note, 'Vi var der fredag');
  });

  it('"afvigelse KIP-…" opens the form for that plan; the coordinator informs the network, calls a follow-up and closes with what was decided', async () => {
    const plan = (await new CosmosPlanStore(bot.bot!.store.containers.plans!).get(TENANT, planId))!;
    const [form] = cardsOf(inChatOf(NINA, await bot.say(NINA, `afvigelse ${plan.reference.toLowerCase()}`)));
    assert.match(textOf(form), /Meld afvigelse/);
    const [choose] = cardsOf(inChatOf(OLE, await bot.say(OLE, 'afvigelse')));
    assert.match(textOf(choose), /Vælg planen/, 'Ole is in 20 plans: he is told how to choose');
    const [nobody] = cardsOf(inChatOf(MALLORY, await bot.say(MALLORY, `afvigelse ${plan.reference}`)));
    assert.doesNotMatch(textOf(nobody), /Meld afvigelse/, 'not for somebody outside the plan');

    // Ole asks for help on the plan; it reaches Nina like any report.
    const helpForm = ok(await bot.execute(OLE, 'deviation', { action: 'helpForm', planId }));
    assert.match(textOf(helpForm), /Bed om hjælp/);
    const before = bot.connector.sent.length;
    const reported = ok(await bot.execute(OLE, 'deviation', { ...actionData(helpForm, 'report'), what: 'Hvem kører Jens til lægen?', urgency: 'normal', suggestion: '' }, 'da-DK', 'ole-help-card'));
    assert.match(textOf(reported), /Beder om hjælp/);
    const sent = await waitFor('the help request at the coordinator', () => inChatOf(NINA, bot.connector.sent.slice(before)).find((s) => /Hvem kører Jens/.test(textOf(s.activity))));
    const [card] = cardsOf([sent]);

    const informed = ok(await bot.execute(NINA, 'deviation', { ...actionData(card, 'inform'), informContactIds: plan.contacts.find((c) => c.teamsUserId === OLE.aadObjectId)!.id, informMessage: 'Bostøtten kører ham' }));
    assert.match(textOf(informed), /Beskeden er sendt/);
    assert.match(textOf(informed), /Nina Sygeplejerske har informeret Ole Bostøtte/);
    await waitFor('the network\'s message', () => inChatOf(OLE, bot.connector.sent).find((s) => s.method === 'POST' && /Bostøtten kører ham/.test(textOf(s.activity))));

    // From the card the click answered with (Teams shows it in place of the one clicked): the first is older now.
    const meetingForm = ok(await bot.execute(NINA, 'deviation', actionData(informed, 'followUp')));
    assert.match(textOf(meetingForm), /Indkald til koordinationsmøde/, 'the meetings capability\'s own scheduling card');

    const closed = ok(await bot.execute(NINA, 'deviation', { ...actionData(card, 'close'), resolution: 'Bostøtten kører fremover' }));
    assert.match(textOf(closed), /Lukket af Nina Sygeplejerske: Bostøtten kører fremover/);
    await waitFor('the reporter\'s card closed', () =>
      bot.connector.sent.find((s) => s.method === 'PUT' && s.conversationId === `a:personal-${OLE.aadObjectId}` && /Lukket af Nina/.test(textOf(s.activity))));
    // A closed deviation cannot be closed again (a replay): stale, nothing changes.
    assert.match(textOf(ok(await bot.execute(NINA, 'deviation', { ...actionData(card, 'close'), resolution: 'Igen' }))), /forældet/);
  });
});
