/**
 * End to end in the Agents Playground: Megan starts a plan that lists Alex by
 * e-mail; Alex opens the bot, confirms he is that contact and joins the network; Megan calls the
 * coordination meeting; Alex's invitation card arrives in the personal chat;
 * Alex answers, and Megan's card shows the new tally. The Playground UI is one
 * user, so the relay plays Megan (it rewrites the sender) – every click is real.
 */
import { strict as assert } from 'node:assert';
import { loadConfig } from '../../src/config';
import { RunningBot, startBot } from '../../src/compose';
import { silentLogger } from '../../src/platform/logger';
import { E2ESession, defaultPlaygroundConfig, startSession } from './harness';

const today = new Date().toISOString().slice(0, 10);
const inTenDays = new Date(Date.now() + 10 * 86_400_000).toISOString().slice(0, 10);

describe('E2E: calling a coordination meeting in the Agents Playground', function () {
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

  it('Megan starts a plan that lists Alex by e-mail', async () => {
    const { chat, playground } = session!;
    playground.actAs({ id: megan.id, name: megan.name, aadObjectId: megan.aadObjectId });
    const before = await chat.cardCount();
    await chat.sendMessage('ny plan');
    const card = await chat.waitForCard('Samtykke', { after: before });
    await chat.fillInputs(card, { status: 'given', method: 'written', obtainedOn: today, covers: ['shareWithNetwork', 'coordinationMeetings'], yourRole: 'Bostøtte', yourOrganisation: 'Slagelse Kommune', yourSector: 'municipality' });
    await chat.clickAction(card, 'Næste');
    await chat.waitForCardText(card, 'Stamdata');
    await chat.fillInputs(card, { name: 'Jens Jensen', dateOfBirth: '1988-05-17', preferredLanguage: 'da', dreams: 'Et job i en cykelbutik' });
    await chat.clickAction(card, 'Næste');
    await chat.waitForCardText(card, 'Netværk');
    await chat.fillInputs(card, { name: 'Alex Wilber', role: 'Psykiatrisk sygeplejerske', sector: 'regionPsychiatry', email: 'alexw@example.com' });
    await chat.clickAction(card, 'Tilføj');
    await chat.waitForCardText(card, 'Kontaktpersoner (2)');
    await chat.clickAction(card, 'Gennemse');
    await chat.waitForCardText(card, 'Gennemse og opret');
    await chat.clickAction(card, 'Opret plan');
    await chat.waitForCardText(card, 'Planen er oprettet');
  });

  it('Alex opens "mine planer", is asked whether he is the contact, and sees the plan only after confirming', async () => {
    const { chat, playground } = session!;
    playground.actAs(undefined);
    const before = await chat.cardCount();
    await chat.sendMessage('mine planer');
    const asked = await chat.waitForCard('Er det dig?', { after: before });
    const question = await chat.cardText(asked);
    assert.match(question, /Psykiatrisk sygeplejerske/);
    assert.doesNotMatch(question, /Jens Jensen/, 'no citizen data before he confirms');
    // Before confirming he is in no plan: the list after the question says so.
    await chat.waitForCard('Du er ikke med i nogen planer endnu', { after: before });
    await chat.screenshot('link-confirm', asked);
    await chat.clickAction(asked, 'Ja, det er mig');
    await chat.waitForCardText(asked, 'du er nu med i netværket');
    assert.match(await chat.cardText(asked), /Jens Jensen/);
    assert.match(await chat.cardText(asked), /Alex Wilber/);
  });

  it('Megan calls the meeting; Alex gets the invitation card and accepts; Megan’s tally updates', async () => {
    const { chat, playground } = session!;
    playground.actAs({ id: megan.id, name: megan.name, aadObjectId: megan.aadObjectId });
    let before = await chat.cardCount();
    await chat.sendMessage('mine planer');
    const overview = await chat.waitForCard('Jens Jensen', { after: before });
    await chat.clickAction(overview, 'Indkald til møde');
    await chat.waitForCardText(overview, 'Indkald til koordinationsmøde');
    await chat.fillInputs(overview, { date: inTenDays, time: '10:00', joinUrl: 'https://teams.microsoft.com/l/meetup-join/e2e' });
    before = await chat.cardCount();
    await chat.clickAction(overview, 'Send invitationer');
    await chat.waitForCardText(overview, '1 kommer · 0 afbud · 0 sender en anden · 1 mangler svar');
    await chat.screenshot('meeting-organiser', overview);

    // The invitation to Alex arrives through the outbox as a new card in his personal chat.
    const invitation = await chat.waitForCard('Du er inviteret til et koordinationsmøde', { after: before, timeoutMs: 20_000 });
    assert.match(await chat.cardText(invitation), /Psykiatrisk sygeplejerske/);
    playground.actAs(undefined);
    await chat.clickAction(invitation, 'Jeg kommer');
    await chat.waitForCardText(invitation, 'Dit svar: Kommer');
    await chat.screenshot('meeting-invitation-answered', invitation);

    // Megan's card is updated in place with the new tally.
    await chat.waitForCardText(overview, '2 kommer · 0 afbud · 0 sender en anden · 0 mangler svar', 20_000);
  });
});
