/**
 * A meeting's new version at the Bot Framework activity level, through the
 * real Cosmos path: every contact in Teams gets exactly one card (also those
 * absent), the coordinator's card counts approvals live, a change request
 * reaches the coordinator, documents are marked sent, the citizen's approval
 * is recorded – and replays, outsiders and old cards change nothing.
 */
import { strict as assert } from 'node:assert';
import { CosmosPlanStore } from '../../../src/plans/storage/planRepository';
import { distributionQueueOn } from '../../../src/plans/notify/distribution';
import { CITIZEN_REMINDER_KIND } from '../../../src/plans/notify/distribution';
import { jobId } from '../../../src/platform/scheduler/job';
import type { CarePlan } from '../../../src/plans/domain/carePlan';
import { NINA, OLE, TENANT, TestBot, type TestUser, actionData, cardsOf, textOf } from '../../support/testBot';
import { GRETE, KARI, cardsTo, documentsOf, outboxIdle, planWithNetwork, storedPlan, waitFor, type Card } from '../../support/planScenario';
import { withMeetingVersion } from '../../support/versionScenario';

const nina = { userId: NINA.aadObjectId, name: NINA.name };

/** The cards of a kind the user got: their version card ('view') or the coordinator's ('coordinator'). */
function versionCards(bot: TestBot, user: TestUser, kind: 'view' | 'coordinator'): Card[] {
  return cardsTo(bot, user).filter((c) => {
    const refresh = c.refresh as { action?: { verb?: string; data?: { action?: string } } } | undefined;
    return refresh?.action?.verb === 'planVersion' && refresh.action.data?.action === kind;
  });
}

/** The newest content of the coordinator's message (its first POST, then each PUT), in `user`'s chat (Nina's unless told). */
function coordinatorMessages(bot: TestBot, user: TestUser = NINA): string[] {
  return bot.connector.sent
    .filter((s) => s.conversationId === `a:personal-${user.aadObjectId}`)
    .flatMap((s) => (s.activity.attachments ?? []).map((a) => a.content as Card))
    .filter((c) => (c.refresh as { action?: { data?: { action?: string } } } | undefined)?.action?.data?.action === 'coordinator')
    .map(textOf);
}

async function makeVersion(bot: TestBot, approval?: Parameters<typeof withMeetingVersion>[3]): Promise<CarePlan> {
  const plans = new CosmosPlanStore(bot.bot!.store.containers.plans!);
  const { id } = await storedPlan(bot);
  return (await plans.update(TENANT, id, (p) => withMeetingVersion(p, nina, new Date(), approval)))!;
}

describe('plans: a new version to the whole network', function () {
  this.timeout(60_000);
  let bot: TestBot;
  let plan: CarePlan;

  beforeEach(async () => {
    bot = await new TestBot().start();
    await planWithNetwork(bot);
    plan = await makeVersion(bot);
    // What the meeting capability does once it made the version (twice: a retry or a second instance).
    assert.equal(await distributionQueueOn(bot.bot!.jobs).queue(TENANT, plan.id, 2, NINA.aadObjectId), 'queued');
    assert.equal(await distributionQueueOn(bot.bot!.jobs).queue(TENANT, plan.id, 2, NINA.aadObjectId), 'exists');
    await waitFor('the version cards', () => (versionCards(bot, KARI, 'view').length && versionCards(bot, NINA, 'coordinator').length ? true : undefined));
    await outboxIdle(bot);
  });
  afterEach(() => bot.stop());

  it('gives every contact in Teams exactly one card, also the absent, and the coordinator one overview', async () => {
    for (const user of [NINA, OLE, KARI]) assert.equal(versionCards(bot, user, 'view').length, 1, user.name);
    assert.equal(versionCards(bot, GRETE, 'view').length, 0, 'not linked: not in the network');
    assert.equal(versionCards(bot, NINA, 'coordinator').length, 1);
    const ole = textOf(versionCards(bot, OLE, 'view')[0]);
    assert.ok(ole.indexOf('Indsats 2 for Ole Bostøtte') < ole.indexOf('Indsats 1 for Nina'), 'own actions first');
    const overview = textOf(versionCards(bot, NINA, 'coordinator')[0]);
    assert.match(overview, /0 af 3 har godkendt/);
    // The citizen and the two contacts outside Teams (Grete not linked, the mother) get the document by secure mail.
    assert.match(overview, /Send med sikker post \(0 af 3 sendt\)/);
    const distributed = ((await documentsOf(bot, 'audit')) as Array<{ action: string }>).filter((e) => e.action === 'version.distributed');
    assert.equal(distributed.length, 1);
    // The citizen's approval is pending: the coordinator is reminded two working days later.
    const reminder = await bot.bot!.jobs.get(jobId(CITIZEN_REMINDER_KIND, TENANT, `${plan.id}:2`));
    assert.ok(reminder && Date.parse(reminder.runAt) > Date.now() + 86_400_000, JSON.stringify(reminder));
  });

  it('counts approvals on the coordinator card live; a second click changes nothing', async () => {
    const card = versionCards(bot, OLE, 'view')[0]!;
    const answer = await bot.execute(OLE, 'planVersion', actionData(card, 'approve'));
    assert.match(textOf(answer.card), /Tak – dine indsatser er godkendt/);
    await waitFor('the live tally', () => (coordinatorMessages(bot).some((t) => /1 af 3 har godkendt/.test(t)) ? true : undefined));
    const again = await bot.execute(OLE, 'planVersion', actionData(card, 'approve'));
    assert.match(textOf(again.card), /allerede godkendt/);
    const view = await bot.execute(NINA, 'planVersion', actionData(versionCards(bot, NINA, 'coordinator')[0], 'coordinator', (d) => d.action === 'coordinator'));
    assert.match(textOf(view.card), /1 af 3 har godkendt/);
    assert.match(textOf(view.card), /Ole Bostøtte – /);
    const approved = ((await documentsOf(bot, 'audit')) as Array<{ action: string }>).filter((e) => e.action === 'version.approved');
    assert.equal(approved.length, 1);
  });

  it('after a handover the new coordinator gets the coordinator card once, can use it, and its live updates reach that card', async () => {
    // Nina hands the role over to Ole (the follow-up capability: command, pick card, Ole's request card).
    const [pick] = cardsOf(await bot.say(NINA, 'overdrag koordinator'));
    const ole = ((await storedPlan(bot)) as unknown as CarePlan).contacts.find((c) => c.teamsUserId === OLE.aadObjectId)!;
    await bot.execute(NINA, 'followUp', { ...actionData(pick, 'handoverAsk'), contactId: ole.id });
    const ask = await waitFor("the request on Ole's card", () => cardsTo(bot, OLE).find((c) => textOf(c).includes('Vil du være koordinator?')));
    const accept = actionData(ask, 'handoverAccept');
    assert.match(textOf((await bot.execute(OLE, 'followUp', accept)).card), /Du er nu koordinator/);

    const mine = await waitFor("Ole's coordinator card", () => versionCards(bot, OLE, 'coordinator')[0]);
    assert.match(textOf(mine), /0 af 3 har godkendt/);
    assert.match(textOf(mine), /Send med sikker post \(0 af 3 sendt\)/);
    // A repeated accept (Teams re-sends a slow click) sends nothing twice.
    await bot.execute(OLE, 'followUp', accept);
    await outboxIdle(bot);
    assert.equal(versionCards(bot, OLE, 'coordinator').length, 1, 'one card, also after a repeated accept');
    assert.equal(versionCards(bot, NINA, 'coordinator').length, 1);

    // Ole's card answers him (Teams refreshes it); Nina's no longer does.
    const view = await bot.execute(OLE, 'planVersion', actionData(mine, 'coordinator', (d) => d.action === 'coordinator'));
    assert.match(textOf(view.card), /0 af 3 har godkendt/);
    const old = await bot.execute(NINA, 'planVersion', actionData(versionCards(bot, NINA, 'coordinator')[0], 'coordinator', (d) => d.action === 'coordinator'));
    assert.doesNotMatch(textOf(old.card), /har godkendt/);

    // Kari approves: the live tally replaces the message Ole got.
    await bot.execute(KARI, 'planVersion', actionData(versionCards(bot, KARI, 'view')[0], 'approve'));
    await waitFor("the live tally on Ole's card", () => (coordinatorMessages(bot, OLE).some((t) => /1 af 3 har godkendt/.test(t)) ? true : undefined));
    const puts = bot.connector.sent.filter((s) => s.method === 'PUT' && s.conversationId === `a:personal-${OLE.aadObjectId}`);
    assert.ok(puts.length >= 1, 'an update of the sent message, not a new one');
    // The document marks work from his card too.
    const marked = await bot.execute(OLE, 'planVersion', actionData(mine, 'markSent', (d) => d.recipient === 'citizen'));
    assert.match(textOf(marked.card), /\(1 af 3 sendt\)/);
    await waitFor('the mark on the sent card', () => (coordinatorMessages(bot, OLE).at(-1)?.includes('(1 af 3 sendt)') ? true : undefined));
    await outboxIdle(bot);
    const failedUpdates = ((await documentsOf(bot, 'outbox')) as Array<{ kind?: string; lastError?: { code?: string } }>).filter((d) => d.lastError?.code === 'targetNotFound');
    assert.deepEqual(failedUpdates, [], 'no update addressed a message the coordinator never got');
  });

  it('refuses an outsider and an old version, audited, changing nothing', async () => {
    const card = versionCards(bot, OLE, 'view')[0]!;
    const before = await documentsOf(bot, 'versionResponses');
    const outsider = await bot.execute(GRETE, 'planVersion', actionData(card, 'approve'));
    assert.match(textOf(outsider.card), /ikke adgang/);
    const forged = await bot.execute(OLE, 'planVersion', { action: 'approve', planId: plan.id, version: 'two' });
    assert.match(textOf(forged.card), /kunne ikke læses/);
    // The next meeting makes version 3: version 2's card no longer answers.
    await makeVersion(bot, { status: 'given', how: 'I mødet', recordedBy: nina, at: new Date().toISOString() });
    const stale = await bot.execute(OLE, 'planVersion', actionData(card, 'approve'));
    assert.match(textOf(stale.card), /nyere version/);
    assert.deepEqual(await documentsOf(bot, 'versionResponses'), before);
    const denied = ((await documentsOf(bot, 'audit')) as Array<{ action: string; details?: { reason?: string; target?: string } }>)
      .filter((e) => e.action === 'access.denied' && (e.details?.target === 'version:2' || e.details?.target === 'version'))
      .map((e) => e.details?.reason)
      .sort();
    assert.deepEqual(denied, ['invalidPayload', 'notMember', 'stale']);
  });

  it('sends a change request to the coordinator once; an empty one is refused on the card', async () => {
    const card = versionCards(bot, KARI, 'view')[0]!;
    const empty = await bot.execute(KARI, 'planVersion', { ...actionData(card, 'requestChange'), changeText: '  ' });
    assert.match(textOf(empty.card), /Skal udfyldes/);
    assert.deepEqual(await documentsOf(bot, 'versionResponses'), []);
    const text = 'Kan fristen for **medicinen** flyttes en uge?';
    for (let i = 0; i < 2; i++) {
      const answer = await bot.execute(KARI, 'planVersion', { ...actionData(card, 'requestChange'), changeText: text });
      assert.match(textOf(answer.card), i === 0 ? /sendt til koordinatoren/ : /allerede sendt/);
    }
    await outboxIdle(bot);
    const requests = cardsTo(bot, NINA).filter((c) => textOf(c).includes('beder om en ændring'));
    assert.equal(requests.length, 1);
    assert.match(textOf(requests[0]), /Kari Jensen beder om en ændring i version 2/);
    assert.ok(textOf(requests[0]).includes('\\*\\*medicinen\\*\\*'), 'shown as typed');
    await waitFor('the request on the coordinator card', () => (coordinatorMessages(bot).some((t) => t.includes('Ændringsønsker (1)')) ? true : undefined));
  });

  it('reminds the coordinator of the pending citizen approval when the job runs', async () => {
    const id = jobId(CITIZEN_REMINDER_KIND, TENANT, `${plan.id}:2`);
    const reminders = () => cardsTo(bot, NINA).filter((c) => textOf(c).includes('Påmindelse: Borgeren var ikke med'));
    assert.equal(await bot.bot!.jobs.reschedule(id, new Date().toISOString()), 'rescheduled');
    await waitFor('the reminder', () => (reminders().length === 1 ? true : undefined));
    assert.ok(actionData(reminders()[0], 'recordApproval'), 'the reminder offers to record the approval');
    const audit = (await documentsOf(bot, 'audit')) as Array<{ action: string; actorId: string; details?: { via?: string } }>;
    assert.ok(audit.some((e) => e.action === 'plan.read' && e.actorId === 'system:reminder' && e.details?.via === 'versionReminder'));
    await waitFor('the job done', async () => ((await bot.bot!.jobs.get(id))?.status === 'done' ? true : undefined));
  });

  it("sends no reminder once the citizen's approval is recorded", async () => {
    const id = jobId(CITIZEN_REMINDER_KIND, TENANT, `${plan.id}:2`);
    const card = versionCards(bot, NINA, 'coordinator')[0]!;
    await bot.execute(NINA, 'planVersion', { ...actionData(card, 'recordApproval'), approvalHow: 'Ved hjemmebesøg' });
    assert.equal(await bot.bot!.jobs.reschedule(id, new Date().toISOString()), 'rescheduled');
    await waitFor('the job done', async () => ((await bot.bot!.jobs.get(id))?.status === 'done' ? true : undefined));
    await outboxIdle(bot);
    assert.equal(cardsTo(bot, NINA).filter((c) => textOf(c).includes('Påmindelse')).length, 0);
  });

  it("marks documents sent and records the citizen's approval, the agreements as agreed; only the coordinator may", async () => {
    const card = versionCards(bot, NINA, 'coordinator')[0]!;
    const marked = await bot.execute(NINA, 'planVersion', actionData(card, 'markSent', (d) => d.recipient === 'citizen'));
    assert.match(textOf(marked.card), /Markeret som sendt/);
    assert.match(textOf(marked.card), /\(1 af 3 sendt\)/);
    const undone = await bot.execute(NINA, 'planVersion', actionData(marked.card, 'unmarkSent', (d) => d.recipient === 'citizen'));
    assert.match(textOf(undone.card), /ikke sendt endnu/);
    assert.match(textOf(undone.card), /\(0 af 3 sendt\)/);
    await waitFor('the undo on the sent card', () => (coordinatorMessages(bot).at(-1)?.includes('(0 af 3 sendt)') ? true : undefined));
    const again = await bot.execute(NINA, 'planVersion', actionData(undone.card, 'markSent', (d) => d.recipient === 'citizen'));
    assert.match(textOf(again.card), /\(1 af 3 sendt\)/);
    const marks = ((await documentsOf(bot, 'audit')) as Array<{ action: string }>).filter((e) => e.action.startsWith('version.document')).map((e) => e.action).sort();
    assert.deepEqual(marks, ['version.documentSent', 'version.documentSent', 'version.documentUnsent']);
    const notCoordinator = await bot.execute(OLE, 'planVersion', { ...actionData(card, 'recordApproval'), approvalHow: 'Ved hjemmebesøg' });
    assert.match(textOf(notCoordinator.card), /ikke adgang/);
    const tooLong = await bot.execute(NINA, 'planVersion', { ...actionData(card, 'recordApproval'), approvalHow: 'x'.repeat(501) });
    assert.match(textOf(tooLong.card), /Højst 500 tegn/);
    const snapshot = JSON.stringify((await storedPlan(bot)).versions);
    const recorded = await bot.execute(NINA, 'planVersion', { ...actionData(card, 'recordApproval'), approvalHow: 'Mundtligt ved hjemmebesøg' });
    assert.match(textOf(recorded.card), /Borgerens godkendelse er noteret/);
    const v2 = ((await storedPlan(bot)).versions as CarePlan['versions'])!.find((v) => v.number === 2)!;
    assert.equal(v2.approval?.status, 'given');
    assert.deepEqual(v2.agreements, (JSON.parse(snapshot) as NonNullable<CarePlan['versions']>).find((v) => v.number === 2)!.agreements);
    const planCard = cardsTo(bot, NINA).length;
    assert.ok(planCard > 0);
    const shown = await bot.say(NINA, 'vis plan');
    assert.match(textOf(shown[0]?.activity), /Givet .*Mundtligt ved hjemmebesøg/);
  });
});
