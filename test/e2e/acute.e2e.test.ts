/**
 * End to end in the Agents Playground: Alex (a team owner there; locally, without
 * Graph, any member who is not a guest counts as one) registers "My Team - General"
 * as a housing unit's acute channel; as the acute team (locally everyone is) he
 * posts an urgent message from his personal chat; the post appears in the channel
 * with the on-call tag's mention; Megan – played by the relay, which rewrites the
 * sender – presses "Jeg tager den" in the channel, and the channel card and Alex's
 * own status card both show that she took it. Every click is real.
 */
import { strict as assert } from 'node:assert';
import { loadConfig } from '../../src/config';
import { RunningBot, startBot } from '../../src/compose';
import { silentLogger } from '../../src/platform/logger';
import { E2ESession, defaultPlaygroundConfig, startSession } from './harness';

describe('E2E: the acute line in the Agents Playground', function () {
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

  it('a team owner registers the channel as a housing unit’s acute channel', async () => {
    const { chat } = session!;
    await chat.openConversation('My Team - General');
    await chat.sendMessage('akutkanal', { mention: true });
    // The answer is a reply in the post's thread (the channel lists the bot's welcome after it).
    const card = await chat.waitForCard('Akutkanal for et bosted', { timeoutMs: 20_000 });
    await chat.fillInputs(card, { name: 'Bostedet Lyngen', tagName: 'Nattevagt', tagId: 'tag-nattevagt' });
    await chat.clickAction(card, 'Registrér kanalen');
    await chat.waitForCardText(card, 'registreret som akutkanal for Bostedet Lyngen');
    await chat.screenshot('acute-registered', card);
  });

  let status: Awaited<ReturnType<E2ESession['chat']['waitForCard']>>;
  it('the acute team posts from personal chat; the post appears in the channel with the on-call tag mentioned', async () => {
    const { chat } = session!;
    await chat.openConversation('Personal Chat');
    let before = await chat.cardCount();
    await chat.sendMessage('akut');
    const compose = await chat.waitForCard('Akut besked til bosteder', { after: before });
    await chat.fillInputs(compose, { units: ['Bostedet Lyngen'], text: 'Ring til akutteamet om aftenens medicin', urgency: 'urgent', whatToDo: 'Ring tilbage inden kl. 22' });
    before = await chat.cardCount();
    await chat.clickAction(compose, 'Send');
    await chat.waitForCardText(compose, 'Sendt til 1 bosted');
    status = await chat.waitForCard('Din akutte besked', { after: before, timeoutMs: 20_000 });
    assert.match(await chat.cardText(status), /Bostedet Lyngen.*venter/);

    await chat.openConversation('My Team - General');
    const post = await chat.waitForCard('AKUT fra akutteamet', { timeoutMs: 20_000 });
    const text = await chat.cardText(post);
    assert.match(text, /Nattevagt/);
    assert.match(text, /Ring til akutteamet om aftenens medicin/);
    await chat.screenshot('acute-post', post);
  });

  it('Megan takes it in the channel: the channel card and the nurse’s status card show who', async () => {
    const { chat, playground } = session!;
    const post = await chat.waitForCard('AKUT fra akutteamet');
    playground.actAs({ id: megan.id, name: megan.name, aadObjectId: megan.aadObjectId });
    await chat.clickAction(post, 'Jeg tager den');
    await chat.waitForCardText(post, `Taget af ${megan.name}`);
    playground.actAs(undefined);
    await chat.screenshot('acute-taken', post);
    await chat.openConversation('Personal Chat');
    const mine = await chat.waitForCard('Din akutte besked', { timeoutMs: 20_000 });
    await chat.waitForCardText(mine, `Taget af ${megan.name}`, 20_000);
  });
});
