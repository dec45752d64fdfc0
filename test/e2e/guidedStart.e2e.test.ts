/**
 * End to end, as a nurse would: the real bot (embedded store on disk) and the
 * real Agents Playground in headless Chromium. Types "ny plan", goes through
 * consent, master data with dreams/wishes/needs, two contacts and review,
 * creates the plan, finds it under "mine planer" – and again after a restart.
 */
import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../src/config';
import { RunningBot, startBot } from '../../src/compose';
import { silentLogger } from '../../src/platform/logger';
import { E2ESession, startSession } from './harness';

const today = new Date().toISOString().slice(0, 10);

describe('E2E: starting a coordinated care plan in the Agents Playground', function () {
  this.timeout(180_000);
  let dataDir: string;
  let bot: RunningBot | undefined;
  let session: E2ESession | undefined;
  let port = 0;

  async function startTheBot(): Promise<void> {
    bot = await startBot(loadConfig({ LOCAL_NO_AUTH: 'true', PORT: String(port), DATA_DIR: dataDir }), silentLogger);
    port = bot.http.port;
  }

  before(async () => {
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'samspil-e2e-'));
    await startTheBot();
    session = await startSession({ botUrl: `http://127.0.0.1:${port}/api/messages` });
  });

  after(async () => {
    await session?.stop();
    await bot?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('welcomes the user in Danish when the chat opens', async () => {
    const card = await session!.chat.waitForCard('Velkommen til Samspil');
    assert.match(await session!.chat.cardText(card), /Ny plan/);
  });

  it('goes through consent, master data, network and review, and creates the plan', async () => {
    const chat = session!.chat;
    const before = await chat.cardCount();
    await chat.sendMessage('ny plan');
    const card = await chat.waitForCard('Samtykke', { after: before });

    // Consent: without the role, the card says what is missing and keeps what was typed.
    await chat.fillInputs(card, {
      status: 'given',
      method: 'verbal',
      obtainedOn: today,
      covers: ['shareWithNetwork', 'coordinationMeetings'],
      yourOrganisation: 'Psykiatrien Vest',
      yourSector: 'regionPsychiatry',
    });
    await chat.clickAction(card, 'Næste');
    await chat.waitForCardText(card, 'Ret venligst det markerede');
    assert.equal(await chat.inputValue(card, 'yourOrganisation'), 'Psykiatrien Vest');
    await chat.fillInputs(card, { yourRole: 'Sygeplejerske' });
    await chat.clickAction(card, 'Næste');
    await chat.waitForCardText(card, 'Stamdata');

    // Master data: the citizen's own words are required – the card says so and keeps the rest.
    await chat.fillInputs(card, { name: 'Jens Jensen', dateOfBirth: '1988-05-17', preferredLanguage: 'da' });
    await chat.clickAction(card, 'Næste');
    await chat.waitForCardText(card, 'mindst én af borgerens drømme, ønsker eller behov');
    assert.equal(await chat.inputValue(card, 'name'), 'Jens Jensen');
    await chat.fillInputs(card, {
      dreams: 'At bo i egen lejlighed',
      wishes: 'At se min datter oftere',
      needs: 'Støtte til økonomi',
    });
    await chat.clickAction(card, 'Næste');
    await chat.waitForCardText(card, 'Netværk');

    // Network: two contacts, one at a time.
    await chat.fillInputs(card, { name: 'Ole Bostøtte', role: 'Kontaktperson', organisation: 'Slagelse Kommune', sector: 'municipality', email: 'ole@slagelse.example' });
    await chat.clickAction(card, 'Tilføj');
    await chat.waitForCardText(card, 'Kontaktpersoner (2)');
    await chat.fillInputs(card, { name: 'Dr. Hansen', role: 'Egen læge', sector: 'gp', phone: '+45 58 00 00 00' });
    await chat.clickAction(card, 'Tilføj');
    await chat.waitForCardText(card, 'Kontaktpersoner (3)');
    await chat.clickAction(card, 'Gennemse');
    await chat.waitForCardText(card, 'Gennemse og opret');
    const review = await chat.cardText(card);
    for (const expected of ['Jens Jensen', 'At bo i egen lejlighed', 'Ole Bostøtte', 'Dr. Hansen']) assert.ok(review.includes(expected), expected);
    await chat.screenshot('guide-review', card);

    await chat.clickAction(card, 'Opret plan');
    await chat.waitForCardText(card, 'Planen er oprettet');
    assert.match(await chat.cardText(card), /KIP-[0-9A-Z]{4}-[0-9A-Z]{4}/);
    await chat.screenshot('plan-created', card);
  });

  it('shows the plan under "mine planer", also after the bot restarts', async () => {
    const chat = session!.chat;
    let before = await chat.cardCount();
    await chat.sendMessage('mine planer');
    let card = await chat.waitForCard('Jens Jensen', { after: before });
    assert.match(await chat.cardText(card), /Udkast/);

    await bot!.stop();
    await startTheBot();
    before = await chat.cardCount();
    await chat.sendMessage('mine planer');
    card = await chat.waitForCard('Jens Jensen', { after: before });
    const text = await chat.cardText(card);
    assert.match(text, /Netværk \(3\)/);
    assert.match(text, /Indkald netværket/);
  });
});
