/**
 * End to end in the Agents Playground: Megan starts a plan listing Alex; Alex
 * joins the network; the meeting agreed an action for Alex (written through
 * the plans repository: the meeting capture is built in parallel). Alex opens
 * "mine opgaver" and reports an urgent deviation on the action; the
 * coordinator's card arrives (the organiser, Megan, stands in: the relay plays
 * her); Megan acknowledges; Alex's card shows who saw it. Every click is real.
 */
import { strict as assert } from 'node:assert';
import { loadConfig } from '../../src/config';
import { RunningBot, startBot } from '../../src/compose';
import { silentLogger } from '../../src/platform/logger';
import { CosmosPlanStore } from '../../src/plans/storage/planRepository';
import { E2ESession, defaultPlaygroundConfig, confirmContact, createPlanInGuide, startSession } from './harness';

const inThreeDays = new Date(Date.now() + 3 * 86_400_000).toISOString().slice(0, 10);
const ACTION_ID = '6f1c2d3e-0000-4000-8000-0000000000a1';

describe('E2E: a deviation reaches the coordinator in the Agents Playground', function () {
  this.timeout(180_000);
  const config = defaultPlaygroundConfig();
  const megan = config.users[0];
  const alex = config.currentUser;
  let bot: RunningBot | undefined;
  let session: E2ESession | undefined;

  before(async () => {
    bot = await startBot(loadConfig({ LOCAL_NO_AUTH: 'true', PORT: '0', EMBEDDED_COSMOS_IN_MEMORY: 'true' }), silentLogger);
    session = await startSession({ botUrl: `http://127.0.0.1:${bot.http.port}/api/messages`, config });
    await session.chat.waitForCard('Velkommen til Samspil');
  });

  after(async () => {
    await session?.stop();
    await bot?.stop();
  });

  it('Megan starts a plan listing Alex; Alex joins; the plan gets an action for Alex', async () => {
    await createPlanInGuide(session!, megan, { covers: ['shareWithNetwork', 'coordinationMeetings'], contacts: [{ name: 'Alex Wilber', role: 'Psykiatrisk sygeplejerske', sector: 'regionPsychiatry', email: alex.email }] });
    await confirmContact(session!);

    const plans = new CosmosPlanStore(bot!.store.containers.plans!);
    const [plan] = await plans.listForMember(config.tenantId, megan.aadObjectId, { limit: 1 });
    await plans.update(config.tenantId, plan!.id, (p) => {
      const contact = p.contacts.find((c) => c.teamsUserId === alex.aadObjectId)!;
      return {
        ...p,
        agreements: {
          priorityAreas: ['Arbejde'],
          actions: [{ id: ACTION_ID, what: 'Følge Jens til jobsamtalen', responsibleContactId: contact.id, deadline: inThreeDays, status: 'open', agreedInVersion: 1 }],
          warningSigns: [{ id: '6f1c2d3e-0000-4000-8000-0000000000b1', sign: 'Sover ikke', response: 'Ring til bostøtten' }],
        },
      };
    });
  });

  it('Alex reports a deviation on his action; Megan’s card arrives; she acknowledges; Alex’s card shows it', async () => {
    const { chat, playground } = session!;
    playground.actAs(undefined);
    let before = await chat.cardCount();
    await chat.sendMessage('mine opgaver');
    const tasks = await chat.waitForCard('Følge Jens til jobsamtalen', { after: before });
    await chat.screenshot('deviation-tasks', tasks);
    await chat.clickAction(tasks, 'Meld afvigelse');
    await chat.waitForCardText(tasks, 'Hvad er sket?');
    await chat.clickAction(tasks, 'Se tidlige varselstegn og hvad der er aftalt');
    await chat.waitForCardText(tasks, 'Ring til bostøtten');
    await chat.fillInputs(tasks, { what: 'Jens mødte ikke op til jobsamtalen', category: 'missedAppointment', urgency: 'urgent' });
    before = await chat.cardCount();
    await chat.clickAction(tasks, 'Send til koordinatoren');
    await chat.waitForCardText(tasks, 'Venter på koordinatoren');
    await chat.screenshot('deviation-reported', tasks);

    // The coordinator's card arrives through the outbox (the organiser stands in for the coordinator).
    const coordinator = await chat.waitForCard('HASTER: ny afvigelse', { after: before, timeoutMs: 20_000 });
    const text = await chat.cardText(coordinator);
    assert.match(text, /Jens mødte ikke op til jobsamtalen/);
    assert.match(text, /Alex Wilber/);
    assert.match(text, /Følge Jens til jobsamtalen/);
    await chat.screenshot('deviation-coordinator', coordinator);
    playground.actAs({ id: megan.id, name: megan.name, aadObjectId: megan.aadObjectId });
    await chat.clickAction(coordinator, 'Kvittér');
    await chat.waitForCardText(coordinator, 'Du har kvitteret');
    assert.match(await chat.cardText(coordinator), /Set af Megan Bowen/);
    assert.doesNotMatch(await chat.cardText(coordinator), /Kvittér/, 'acknowledged once');

    // Alex's card is updated in place: seen by Megan.
    playground.actAs(undefined);
    await chat.waitForCardText(tasks, 'Set af Megan Bowen', 20_000);
    await chat.screenshot('deviation-seen', tasks);
  });
});
