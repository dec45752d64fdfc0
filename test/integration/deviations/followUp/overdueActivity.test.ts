/**
 * Overdue actions at the Bot Framework activity level: the real bot sweeps
 * (every second here) over the embedded store; an action past its deadline
 * day reaches its responsible (Ole) as a card in his personal chat through
 * the outbox, and a day later (the test moves the bot's clock on) the one
 * automatic deviation reaches the coordinator – once, however many sweeps follow (done,
 * moved and locked cases, and two instances: overdueSweep.test.ts).
 */
import { strict as assert } from 'node:assert';
import { stableUuid } from '../../../../src/platform/environment';
import type { Environment } from '../../../../src/platform/identity';
import { planReference, type CarePlan } from '../../../../src/plans/domain/carePlan';
import type { AgreedAction } from '../../../../src/plans/domain/agreements';
import { instantToZoned } from '../../../../src/platform/zonedTime';
import { CosmosPlanStore } from '../../../../src/plans/storage/planRepository';
import { randomBytes, randomUUID } from 'node:crypto';
import { cardsTo, planWithNetwork, waitFor } from '../../../support/planScenario';
import { recordingLogger } from '../../../support/schedulerFakes';
import { NINA, OLE, TENANT, TestBot, textOf } from '../../../support/testBot';

const DAY = 24 * 3600_000;

describe('overdue actions (activity level: reminder, then one automatic deviation)', function () {
  this.timeout(90_000);
  let bot: TestBot;
  let offset = 0;
  const log = recordingLogger();
  const environment: Environment = {
    now: () => new Date(Date.now() + offset),
    newId: () => randomUUID(),
    newReference: () => planReference(randomBytes(5)),
    stableId: stableUuid,
  };
  // The automatic deviation as the coordinator (Nina, the organiser, standing in) receives it.
  const reported = () => cardsTo(bot, NINA).filter((c) => textOf(c).includes('Indsatsen er ikke markeret som udført, og fristen er overskredet.'));
  const reminders = () => cardsTo(bot, OLE).filter((c) => textOf(c).includes('En opgave har overskredet fristen'));

  before(async () => {
    bot = await new TestBot(undefined, { env: { OVERDUE_SWEEP_SECONDS: '1' }, environment, logger: log.logger }).start();
    await planWithNetwork(bot);
  });
  after(async () => bot.stop());

  it('reminds Ole the day after his deadline, and raises one automatic deviation a day later', async () => {
    const plans = new CosmosPlanStore(bot.bot!.store.containers.plans!);
    const [summary] = await plans.listForMember(TENANT, NINA.aadObjectId, { limit: 1 });
    const yesterday = instantToZoned(new Date(Date.now() - DAY), 'Europe/Copenhagen').date;
    const nextWeek = instantToZoned(new Date(Date.now() + 7 * DAY), 'Europe/Copenhagen').date;
    // What a finished meeting writes (built in parallel): agreements with Ole responsible for two actions.
    await plans.update(TENANT, summary!.id, (plan: CarePlan) => {
      const ole = plan.contacts.find((c) => c.teamsUserId === OLE.aadObjectId)!;
      const action = (id: string, what: string, deadline: string): AgreedAction => ({ id, what, responsibleContactId: ole.id, deadline, status: 'open', agreedInVersion: 1 });
      return { ...plan, agreements: { priorityAreas: [], warningSigns: [], actions: [action('a-late', 'Søge boligstøtte', yesterday), action('a-later', 'Besøge værkstedet', nextWeek)] } };
    });

    const card = await waitFor('the reminder in Ole\'s chat', () => reminders()[0]);
    assert.match(textOf(card), /Søge boligstøtte/);
    assert.doesNotMatch(textOf(card), /Besøge værkstedet/, 'only the action past its deadline');
    assert.deepEqual(reported(), [], 'no deviation on the day of the reminder');

    offset = DAY + 60_000;
    await waitFor('the automatic deviation', () => reported()[0]);
    // Several more sweeps: still one deviation, one reminder.
    await new Promise((r) => setTimeout(r, 3_000));
    assert.equal(reported().length, 1);
    assert.match(textOf(reported()[0]!), /Søge boligstøtte/, 'the deviation names the overdue action');
    assert.ok(!log.lines.some((l) => l.includes('Søge boligstøtte')), 'logs carry ids, never the action');
    assert.equal(reminders().length, 1);
  });
});
