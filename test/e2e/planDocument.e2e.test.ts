/**
 * End to end in the Agents Playground: the nurse creates a plan through the
 * guide, opens it under "mine planer", presses "Hent som Word", and downloads
 * the citizen's copy from the card's link – once by clicking the button in
 * headless Chromium (a real browser download), once by fetching the link the
 * card carries. Both files are unzipped and the citizen's dreams found in them.
 */
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { loadConfig } from '../../src/config';
import { RunningBot, startBot } from '../../src/compose';
import { silentLogger } from '../../src/platform/logger';
import { readDocx } from '../support/docxReader';
import { E2ESession, startSession } from './harness';

const today = new Date().toISOString().slice(0, 10);
const DREAMS = 'At bo i egen lejlighed med plads til min cykel';

/** A port nobody listens on now, so the bot's public address (in the links) is known before it starts. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** The Action.OpenUrl buttons of a card, by title. */
function openUrls(card: unknown): Map<string, string> {
  const found = new Map<string, string>();
  JSON.stringify(card, (_k, v: unknown) => {
    const o = v as { type?: string; title?: string; url?: string } | null;
    if (o && typeof o === 'object' && o.type === 'Action.OpenUrl') found.set(o.title!, o.url!);
    return v;
  });
  return found;
}

describe('E2E: the plan as a Word document in the Agents Playground', function () {
  this.timeout(180_000);
  let bot: RunningBot | undefined;
  let session: E2ESession | undefined;

  before(async () => {
    const port = await freePort();
    bot = await startBot(loadConfig({ LOCAL_NO_AUTH: 'true', PORT: String(port), PUBLIC_BASE_URL: `http://127.0.0.1:${port}`, EMBEDDED_COSMOS_IN_MEMORY: 'true' }), silentLogger);
    session = await startSession({ botUrl: `http://127.0.0.1:${port}/api/messages` });
    await session.chat.waitForCard('Velkommen til Samspil');
  });

  after(async () => {
    await session?.stop();
    await bot?.stop();
  });

  it('creates a plan through the guide', async () => {
    const chat = session!.chat;
    const before = await chat.cardCount();
    await chat.sendMessage('ny plan');
    const card = await chat.waitForCard('Samtykke', { after: before });
    await chat.fillInputs(card, {
      status: 'given', method: 'written', obtainedOn: today, covers: ['shareWithNetwork', 'coordinationMeetings', 'involveRelatives'],
      yourRole: 'Sygeplejerske', yourOrganisation: 'Psykiatrien Vest', yourSector: 'regionPsychiatry',
    });
    await chat.clickAction(card, 'Næste');
    await chat.waitForCardText(card, 'Stamdata');
    await chat.fillInputs(card, { name: 'Jens Jensen', dateOfBirth: '1988-05-17', preferredLanguage: 'da', dreams: DREAMS, needs: 'Hjælp til at åbne post' });
    await chat.clickAction(card, 'Næste');
    await chat.waitForCardText(card, 'Netværk');
    await chat.fillInputs(card, { name: 'Mor Jensen', role: 'Mor', sector: 'relative', phone: '+45 20 20 20 20' });
    await chat.clickAction(card, 'Tilføj');
    await chat.waitForCardText(card, 'Kontaktpersoner (2)');
    await chat.fillInputs(card, { name: 'Dr. Hansen', role: 'Egen læge', organisation: 'Lægehuset', sector: 'gp', email: 'hansen@laegehuset.example' });
    await chat.clickAction(card, 'Tilføj');
    await chat.waitForCardText(card, 'Kontaktpersoner (3)');
    await chat.clickAction(card, 'Gennemse');
    await chat.waitForCardText(card, 'Gennemse og opret');
    await chat.clickAction(card, 'Opret plan');
    await chat.waitForCardText(card, 'Planen er oprettet');
  });

  it('"Hent som Word" on the plan shows the links; the citizen’s copy downloads in the browser and holds the dreams', async () => {
    const { chat, playground } = session!;
    const before = await chat.cardCount();
    await chat.sendMessage('mine planer');
    const card = await chat.waitForCard('Jens Jensen', { after: before });
    await chat.clickAction(card, 'Hent som Word');
    await chat.waitForCardText(card, 'Planen som Word-dokument');
    const text = await chat.cardText(card);
    for (const expected of ['Til borgeren', 'Mor Jensen', 'Dr. Hansen']) assert.ok(text.includes(expected), expected);
    await chat.screenshot('plan-document-links', card);

    // A real click: the Playground opens the link, and Chromium downloads the file.
    // The Playground renders Action.OpenUrl as a button with role "link" (its title is the URL).
    const button = card.getByRole('link', { name: 'Hent borgerens eksemplar', exact: true });
    const [download] = await Promise.all([
      Promise.race([chat.page.waitForEvent('download'), chat.context.waitForEvent('page').then((p) => p.waitForEvent('download'))]),
      button.click(),
    ]);
    assert.match(download.suggestedFilename(), /^KIP-[0-9A-Z]{4}-[0-9A-Z]{4}-v1\.docx$/, 'the file names the reference, never the citizen');
    const doc = readDocx(readFileSync((await download.path())!));
    assert.ok(doc.paragraphs.some((p) => p.text === DREAMS), 'the citizen’s dreams are in the downloaded file');
    assert.ok(doc.text.includes('Borgerens eksemplar') && doc.text.includes('Dr. Hansen') && doc.text.includes('Mor Jensen'));
    assert.match(doc.footer, /Fortroligt – indeholder helbredsoplysninger/);

    // The same link as the card carries it, fetched directly.
    const links = openUrls(playground.cards().find((c) => JSON.stringify(c).includes('Planen som Word-dokument')));
    const citizenUrl = links.get('Hent borgerens eksemplar');
    assert.ok(citizenUrl, [...links.keys()].join(', '));
    const res = await fetch(citizenUrl);
    assert.equal(res.status, 200);
    const fetched = readDocx(new Uint8Array(await res.arrayBuffer()));
    assert.ok(fetched.paragraphs.some((p) => p.text === DREAMS));
  });
});
