/**
 * End to end in the Agents Playground, as a nurse would: create a plan in the
 * guide, open it with "vis plan" and find every field entered in the guide on
 * the card (folded sections opened by clicking them), change the address and
 * add a contact, and see both changes in the plan's history. Screenshots land
 * in .test-data/screenshots/ (plan-card*.png).
 */
import { strict as assert } from 'node:assert';
import type { Locator } from 'playwright-core';
import { loadConfig } from '../../src/config';
import { RunningBot, startBot } from '../../src/compose';
import { silentLogger } from '../../src/platform/logger';
import { E2ESession, startSession } from './harness';

const today = new Date().toISOString().slice(0, 10);

/** What the nurse types in the guide; every value must be on the plan card. */
const GUIDE = {
  consent: { status: 'given', method: 'written', obtainedOn: today, covers: ['shareWithNetwork', 'coordinationMeetings', 'involveRelatives'], note: 'Samtykke givet på botilbuddet', yourRole: 'Sygeplejerske', yourOrganisation: 'Psykiatrien Vest', yourSector: 'regionPsychiatry' },
  citizen: { name: 'Jens Jensen', dateOfBirth: '1988-05-17', address: 'Nørregade 1, 4200 Slagelse', housingUnit: 'Botilbuddet Lyngbo', preferredLanguage: 'da', dreams: 'At bo i egen lejlighed', wishes: 'At se min datter oftere', needs: 'Støtte til økonomi' },
  contacts: <Array<Record<string, string>>>[
    { name: 'Ole Bostøtte', role: 'Kontaktperson', organisation: 'Slagelse Kommune', sector: 'municipality', email: 'ole@slagelse.example', phone: '+45 58 57 36 00' },
    { name: 'Dr. Hansen', role: 'Egen læge', organisation: 'Lægehuset', sector: 'gp', phone: '+45 58 00 00 00' },
  ],
};

describe('E2E: the whole plan on one card, kept current, in the Agents Playground', function () {
  this.timeout(240_000);
  let bot: RunningBot | undefined;
  let session: E2ESession | undefined;

  before(async () => {
    bot = await startBot(loadConfig({ LOCAL_NO_AUTH: 'true', PORT: '0', EMBEDDED_COSMOS_IN_MEMORY: 'true' }), silentLogger);
    // Tall enough for the whole plan card: a screenshot that has to scroll or resize re-renders the
    // Playground's cards, which folds every section again.
    session = await startSession({ botUrl: `http://127.0.0.1:${bot.http.port}/api/messages`, open: { viewport: { width: 1200, height: 3000 } } });
    await session.chat.waitForCard('Velkommen til Samspil');
  });

  after(async () => {
    await session?.stop();
    await bot?.stop();
  });

  /** Opens every folded section of the plan card by clicking its heading (a button named after the section). */
  async function unfold(card: Locator, titles: string[]): Promise<void> {
    const chat = session!.chat;
    for (const title of titles) {
      const heading = card.getByRole('button', { name: title, exact: true }).first();
      if (!(await heading.count())) throw new Error(`no foldable section "${title}" in: ${await chat.cardText(card)}`);
      // A folded section's heading shows "Vis", an open one "Skjul"; innerText leaves out what is hidden.
      const shows = () => heading.evaluate((el) => (el as HTMLElement).innerText);
      if (!(await shows()).includes('Skjul')) await chat.clickAction(card, title);
      assert.match(await shows(), /Skjul/, `section "${title}" opened`);
    }
  }

  it('creates a plan in the guide', async () => {
    const chat = session!.chat;
    const before = await chat.cardCount();
    await chat.sendMessage('ny plan');
    const card = await chat.waitForCard('Samtykke', { after: before });
    await chat.fillInputs(card, GUIDE.consent);
    await chat.clickAction(card, 'Næste');
    await chat.waitForCardText(card, 'Stamdata');
    await chat.fillInputs(card, GUIDE.citizen);
    await chat.clickAction(card, 'Næste');
    await chat.waitForCardText(card, 'Netværk');
    for (const [i, contact] of GUIDE.contacts.entries()) {
      await chat.fillInputs(card, contact);
      await chat.clickAction(card, 'Tilføj');
      await chat.waitForCardText(card, `Kontaktpersoner (${i + 2})`);
    }
    await chat.clickAction(card, 'Gennemse');
    await chat.waitForCardText(card, 'Gennemse og opret');
    await chat.clickAction(card, 'Opret plan');
    await chat.waitForCardText(card, 'Planen er oprettet');
  });

  it('"vis plan" shows every field entered in the guide, folded sections opening on a click', async () => {
    const chat = session!.chat;
    const before = await chat.cardCount();
    await chat.sendMessage('vis plan');
    const card = await chat.waitForCard('Koordinerende indsatsplan', { after: before });
    await chat.waitForCardText(card, 'Jens Jensen');
    await chat.screenshot('plan-card-folded', card);
    await unfold(card, ['Samtykke', 'Netværk (3)', 'Historik']);
    const text = await chat.cardText(card);
    const expected = [
      GUIDE.citizen.name, '17. maj 1988', GUIDE.citizen.address, GUIDE.citizen.housingUnit, 'Dansk',
      GUIDE.citizen.dreams, GUIDE.citizen.wishes, GUIDE.citizen.needs,
      'Givet', 'skriftligt', 'Deling af oplysninger med netværket', 'Koordinationsmøder', 'Inddragelse af pårørende', GUIDE.consent.note, 'Alex Wilber',
      ...GUIDE.contacts.flatMap((c) => Object.entries(c).filter(([k]) => k !== 'sector').map(([, v]) => v)),
      'Sygeplejerske', 'Psykiatrien Vest', 'Regionspsykiatri', 'Kommune', 'Egen læge',
      'Version 1', 'Version 1 oprettet',
    ];
    for (const value of expected) assert.ok(text.includes(value), `"${value}" is not on the card: ${text}`);
    assert.match(text, /KIP-[0-9A-Z]{4}-[0-9A-Z]{4}/);
    await chat.screenshot('plan-card', card);
  });

  it('changes the address and adds a contact; the history shows both, newest first', async () => {
    const chat = session!.chat;
    let before = await chat.cardCount();
    await chat.sendMessage('vis plan');
    let card = await chat.waitForCard('Koordinerende indsatsplan', { after: before });
    await chat.waitForCardText(card, 'Jens Jensen');

    await chat.clickAction(card, 'Ret stamdata');
    await chat.waitForCardText(card, 'højst 2.000 tegn');
    assert.equal(await chat.inputValue(card, 'address'), GUIDE.citizen.address, 'the form holds the plan’s values');
    await chat.screenshot('plan-master-data-edit', card);
    await chat.fillInputs(card, { address: 'Vestergade 9, 4200 Slagelse' });
    await chat.clickAction(card, 'Gem');
    await chat.waitForCardText(card, 'Gemt: adresse.');
    assert.match(await chat.cardText(card), /Vestergade 9, 4200 Slagelse/);

    await chat.clickAction(card, 'Ret netværket');
    await chat.waitForCardText(card, 'Tryk på en kontaktperson');
    await chat.clickAction(card, 'Tilføj kontaktperson');
    await chat.waitForCardText(card, 'Ny kontaktperson');
    await chat.fillInputs(card, { name: 'Bo Berg', role: 'Peer-medarbejder', sector: 'peerWorker', email: 'bo@peer.example', phone: '+45 20 20 20 20' });
    await chat.clickAction(card, 'Tilføj');
    await chat.waitForCardText(card, 'Bo Berg er tilføjet til netværket.');
    await chat.screenshot('plan-network-after-add', card);

    before = await chat.cardCount();
    await chat.sendMessage('vis plan');
    card = await chat.waitForCard('Koordinerende indsatsplan', { after: before });
    await chat.waitForCardText(card, 'Jens Jensen');
    await unfold(card, ['Netværk (4)', 'Historik']);
    const text = await chat.cardText(card);
    assert.match(text, /Bo Berg – Peer-medarbejder · Peer-medarbejder · bo@peer\.example · \+45 20 20 20 20/);
    const added = text.indexOf('Bo Berg tilføjet til netværket – Alex Wilber');
    const moved = text.indexOf('Stamdata ændret: adresse – Alex Wilber');
    const created = text.indexOf('Version 1 oprettet – Alex Wilber');
    assert.ok(added >= 0 && moved > added && created > moved, `history newest first: ${text}`);
    assert.match(text, /Senest ændret/);
    await chat.screenshot('plan-card-history', card);
  });
});
