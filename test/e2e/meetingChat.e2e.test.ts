/**
 * End to end in the Agents Playground, whose group chat stands in for the
 * Teams meeting chat (the Playground does not simulate meetings): Alex starts
 * a plan and calls its meeting in his personal chat; in the group chat he
 * writes "@Samspil tilknyt <reference>" and the chat is linked (the answer
 * names only the reference); then a meeting-start event, sent as a custom
 * activity through the Playground's API in Teams' shape, reaches the bot,
 * which answers "Samspil er klar …" in the chat.
 */
import { strict as assert } from 'node:assert';
import { loadConfig } from '../../src/config';
import { RunningBot, startBot } from '../../src/compose';
import { silentLogger } from '../../src/platform/logger';
import { E2ESession, startSession } from './harness';
import { sendMeetingEvent } from './harness/meetingEvents';

const today = new Date().toISOString().slice(0, 10);
const inTenDays = new Date(Date.now() + 10 * 86_400_000).toISOString().slice(0, 10);

describe('E2E: Samspil in the meeting chat (a Playground group chat)', function () {
  this.timeout(180_000);
  let bot: RunningBot | undefined;
  let session: E2ESession | undefined;
  let reference = '';

  before(async () => {
    bot = await startBot(loadConfig({ LOCAL_NO_AUTH: 'true', PORT: '0', EMBEDDED_COSMOS_IN_MEMORY: 'true' }), silentLogger);
    session = await startSession({ botUrl: `http://127.0.0.1:${bot.http.port}/api/messages` });
    await session.chat.waitForCard('Velkommen til Samspil');
  });

  after(async () => {
    await session?.stop();
    await bot?.stop();
  });

  it('Alex starts a plan and calls its meeting in his personal chat', async () => {
    const { chat } = session!;
    let before = await chat.cardCount();
    await chat.sendMessage('ny plan');
    const card = await chat.waitForCard('Samtykke', { after: before });
    await chat.fillInputs(card, { status: 'given', method: 'written', obtainedOn: today, covers: ['shareWithNetwork', 'coordinationMeetings'], yourRole: 'Sygeplejerske', yourOrganisation: 'Psykiatrien Vest', yourSector: 'regionPsychiatry' });
    await chat.clickAction(card, 'Næste');
    await chat.waitForCardText(card, 'Stamdata');
    await chat.fillInputs(card, { name: 'Jens Jensen', dateOfBirth: '1988-05-17', preferredLanguage: 'da', dreams: 'Et job i en cykelbutik' });
    await chat.clickAction(card, 'Næste');
    await chat.waitForCardText(card, 'Netværk');
    await chat.fillInputs(card, { name: 'Ole Bostøtte', role: 'Bostøtte', sector: 'municipality', phone: '+45 55 66 77 88' });
    await chat.clickAction(card, 'Tilføj');
    await chat.waitForCardText(card, 'Kontaktpersoner (2)');
    await chat.clickAction(card, 'Gennemse');
    await chat.waitForCardText(card, 'Gennemse og opret');
    await chat.clickAction(card, 'Opret plan');
    await chat.waitForCardText(card, 'Planen er oprettet');
    reference = /KIP-[0-9A-Z]{4}-[0-9A-Z]{4}/.exec(await chat.cardText(card))?.[0] ?? '';
    assert.ok(reference, 'the plan’s reference is on the card');

    before = await chat.cardCount();
    await chat.sendMessage('mine planer');
    const overview = await chat.waitForCard('Jens Jensen', { after: before });
    await chat.clickAction(overview, 'Indkald til møde');
    await chat.waitForCardText(overview, 'Indkald til koordinationsmøde');
    await chat.fillInputs(overview, { date: inTenDays, time: '10:00', joinUrl: 'https://teams.microsoft.com/l/meetup-join/e2e' });
    await chat.clickAction(overview, 'Send invitationer');
    await chat.waitForCardText(overview, 'mangler svar');
  });

  it('in the group chat, "@Samspil tilknyt <reference>" links it; a meeting-start custom activity reaches the bot', async () => {
    const { chat, playground } = session!;
    await chat.openConversation('Group Chat');
    let before = await chat.cardCount();
    await chat.sendMessage(`tilknyt ${reference}`, { mention: true });
    const linked = await chat.waitForCard('knyttet til koordinationsmødet', { after: before });
    const text = await chat.cardText(linked);
    assert.match(text, new RegExp(reference));
    assert.doesNotMatch(text, /Jens|cykelbutik|1988|Ole/, 'the chat sees the reference only');
    await chat.screenshot('meeting-chat-linked', linked);

    before = await chat.cardCount();
    await sendMeetingEvent(playground, 'meetingStart');
    const ready = await chat.waitForCard('Samspil er klar', { after: before, timeoutMs: 20_000 });
    assert.match(await chat.cardText(ready), new RegExp(`Samspil er klar til mødet i planen ${reference}`));
    await chat.screenshot('meeting-chat-ready', ready);
  });
});
