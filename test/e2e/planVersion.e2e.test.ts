/**
 * End to end in the Agents Playground: Megan starts a plan that lists Alex by
 * e-mail and the citizen's mother; Alex confirms he is the contact. A
 * coordination meeting then makes version 2 – written here through the plans
 * repository as the meeting capability writes it, and handed to the
 * distribution as the meeting does. Alex's card arrives in his personal chat
 * with his own actions first; he approves; Megan's coordinator card counts
 * it in place; "vis plan" shows the actions, the coordinator and the next
 * meeting. The Playground UI is one user, so the relay plays Megan.
 */
import { strict as assert } from 'node:assert';
import { loadConfig } from '../../src/config';
import { RunningBot, startBot } from '../../src/compose';
import { silentLogger } from '../../src/platform/logger';
import { distributionQueueOn } from '../../src/plans/notify/distribution';
import { CosmosPlanStore } from '../../src/plans/storage/planRepository';
import { withMeetingVersion } from '../support/versionScenario';
import { E2ESession, defaultPlaygroundConfig, confirmContact, createPlanInGuide, startSession } from './harness';


describe('E2E: a new plan version approved in the Agents Playground', function () {
  this.timeout(180_000);
  const config = defaultPlaygroundConfig();
  const megan = config.users[0];
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

  it('Megan starts a plan listing Alex; Alex confirms he is the contact', async () => {
    await createPlanInGuide(session!, megan, { covers: ['shareWithNetwork', 'coordinationMeetings', 'involveRelatives'], contacts: [{ name: 'Alex Wilber', role: 'Psykiatrisk sygeplejerske', sector: 'regionPsychiatry', email: 'alexw@example.com' }, { name: 'Mor Jensen', role: 'Mor', sector: 'relative', phone: '+45 55 66 77 88' }] });
    await confirmContact(session!);
  });

  it('the meeting makes version 2: Alex approves his actions in his personal chat; Megan’s card counts it', async () => {
    const { chat, playground } = session!;
    const plans = new CosmosPlanStore(bot!.store.containers.plans!);
    const { resources } = await bot!.store.containers.plans!.items.readAll<{ id: string; tenantId: string }>().fetchAll();
    const stored = resources[0]!;
    const by = { userId: megan.aadObjectId, name: megan.name };
    await plans.update(stored.tenantId, stored.id, (p) => withMeetingVersion(p, by, new Date()));
    const before = await chat.cardCount();
    // What the meeting capability does once the version is made.
    await distributionQueueOn(bot!.jobs).queue(stored.tenantId, stored.id, 2, megan.aadObjectId);

    // Alex's card: his own action first (no name after it), then the rest.
    const mine = await chat.waitForCard('Indsats 2 for Alex Wilber – senest', { after: before, timeoutMs: 20_000 });
    const text = await chat.cardText(mine);
    assert.ok(text.indexOf('Dine indsatser') < text.indexOf('Indsats 2 for Alex Wilber') && text.indexOf('Indsats 2 for Alex Wilber') < text.indexOf('Indsats 1 for'), text);
    const overview = await chat.waitForCard('overblik for koordinatoren', { after: before, timeoutMs: 20_000 });
    await chat.waitForCardText(overview, '0 af 2 har godkendt');
    await chat.screenshot('plan-version-contact', mine);

    playground.actAs(undefined);
    await chat.clickAction(mine, 'Godkend mine indsatser');
    await chat.waitForCardText(mine, 'Tak – dine indsatser er godkendt');
    await chat.screenshot('plan-version-approved', mine);

    // Megan's overview is updated in place through the outbox.
    await chat.waitForCardText(overview, '1 af 2 har godkendt', 20_000);
    assert.match(await chat.cardText(overview), /Alex Wilber/);
    await chat.screenshot('plan-version-coordinator', overview);
  });

  it('"vis plan" shows the current version with the actions, the coordinator and the next meeting', async () => {
    const { chat, playground } = session!;
    playground.actAs({ id: megan.id, name: megan.name, aadObjectId: megan.aadObjectId });
    const before = await chat.cardCount();
    await chat.sendMessage('vis plan');
    const card = await chat.waitForCard('Indsatser (3)', { after: before });
    const text = await chat.cardText(card);
    for (const expected of ['2 fra', 'Indsats 2 for Alex Wilber', 'Koordinator', 'Næste møde', 'Afventer']) assert.ok(text.includes(expected), `missing ${expected}: ${text}`);
  });
});
