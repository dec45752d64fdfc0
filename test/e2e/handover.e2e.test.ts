/**
 * End to end in the Agents Playground: Megan creates a plan that lists Alex;
 * Alex confirms he is that contact; Megan hands the coordinator role to Alex
 * with "overdrag koordinator"; Alex's card arrives in his personal chat
 * through the outbox; he accepts; his card says he coordinates now, and Megan
 * is told. The Playground UI is one user, so the relay plays Megan (it
 * rewrites the sender) – every click is real.
 */
import { strict as assert } from 'node:assert';
import { loadConfig } from '../../src/config';
import { RunningBot, startBot } from '../../src/compose';
import { silentLogger } from '../../src/platform/logger';
import { E2ESession, defaultPlaygroundConfig, confirmContact, createPlanInGuide, startSession } from './harness';


describe('E2E: handing over the coordinator role in the Agents Playground', function () {
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

  it('Megan creates a plan listing Alex, and Alex confirms he is the contact', async () => {
    await createPlanInGuide(session!, megan, { covers: ['shareWithNetwork', 'coordinationMeetings'], contacts: [{ name: 'Alex Wilber', role: 'Psykiatrisk sygeplejerske', organisation: 'Psykiatrien Vest', sector: 'regionPsychiatry', email: 'alexw@example.com' }] });
    await confirmContact(session!);
  });

  it('Megan asks Alex to take over; Alex accepts on his card; Megan is told', async () => {
    const { chat, playground } = session!;
    playground.actAs({ id: megan.id, name: megan.name, aadObjectId: megan.aadObjectId });
    let before = await chat.cardCount();
    await chat.sendMessage('overdrag koordinator');
    const pick = await chat.waitForCard('Overdrag koordinatorrollen', { after: before });
    assert.match(await chat.cardText(pick), /Alex Wilber \(Psykiatrisk sygeplejerske, Psykiatrien Vest\)/);
    await chat.fillInputs(pick, { contactId: ['Alex Wilber (Psykiatrisk sygeplejerske, Psykiatrien Vest)'] });
    before = await chat.cardCount();
    await chat.clickAction(pick, 'Send forespørgsel');
    await chat.waitForCardText(pick, 'Intet ændres, før Alex Wilber har accepteret');

    // Alex's card arrives through the outbox as a new card in his personal chat.
    const ask = await chat.waitForCard('Vil du være koordinator?', { after: before, timeoutMs: 20_000 });
    await chat.screenshot('handover-ask', ask);
    playground.actAs(undefined);
    before = await chat.cardCount();
    await chat.clickAction(ask, 'Ja, jeg overtager');
    await chat.waitForCardText(ask, 'Du er nu koordinator for planen');
    const told = await chat.waitForCard('Alex Wilber er nu koordinator for planen', { after: before, timeoutMs: 20_000 });
    await chat.screenshot('handover-network-told', told);

    // The plan card says so (its coordinator section, folded, shows the line).
    before = await chat.cardCount();
    await chat.sendMessage('vis plan');
    await chat.waitForCard('Koordinator: Alex Wilber', { after: before });
  });
});
