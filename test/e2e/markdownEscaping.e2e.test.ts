/**
 * End to end: what people type is shown as text, not markdown, in the real
 * Agents Playground (which renders TextBlocks and Facts as Teams does, with a
 * CommonMark parser). A citizen named "12. marts 1988" – the Danish date that
 * Teams turns into a numbered list, dropping the day – dreams with a link,
 * bold text and a mention, and a contact whose role is a link: the review card
 * and the plan's overview card show each as typed, with no list, link, bold
 * text or image made from it. Screenshots: .test-data/screenshots/markdown-*.png.
 */
import { strict as assert } from 'node:assert';
import type { Locator } from 'playwright-core';
import { loadConfig } from '../../src/config';
import { RunningBot, startBot } from '../../src/compose';
import { silentLogger } from '../../src/platform/logger';
import { E2ESession, startSession } from './harness';

const today = new Date().toISOString().slice(0, 10);
const TYPED = {
  name: '12. marts 1988',
  dreams: '1. dec. 2026 flytter jeg\n**fed** [link](https://evil.example) <at>Alex</at>',
  role: '[Klik](https://evil.example/role)',
};

/** What the Playground made of the card: lists, links, bold text and images in it, and its text (no-break spaces as spaces). */
async function rendered(card: Locator) {
  return card.evaluate((el) => ({
    orderedItems: Array.from(el.querySelectorAll('ol li')).map((li) => (li as HTMLElement).innerText),
    listItems: Array.from(el.querySelectorAll('li')).map((li) => (li as HTMLElement).innerText.replace(/\u00A0/g, ' ')),
    links: Array.from(el.querySelectorAll('a[href]')).map((a) => a.getAttribute('href') ?? ''),
    bold: Array.from(el.querySelectorAll('strong, b')).map((b) => (b as HTMLElement).innerText),
    images: el.querySelectorAll('.ac-textBlock img, .ac-factset img').length,
    text: (el as HTMLElement).innerText.replace(/\u00A0/g, ' '),
  }));
}

describe('E2E: typed text is shown as text, not markdown', function () {
  this.timeout(180_000);
  let bot: RunningBot | undefined;
  let session: E2ESession | undefined;

  before(async () => {
    bot = await startBot(loadConfig({ LOCAL_NO_AUTH: 'true', PORT: '0', EMBEDDED_COSMOS_IN_MEMORY: 'true' }), silentLogger);
    session = await startSession({ botUrl: `http://127.0.0.1:${bot.http.port}/api/messages` });
    await session.chat.waitForCard('Velkommen til Samspil');
  });

  after(async () => {
    await session?.stop();
    await bot?.stop();
  });

  function assertShownAsTyped(r: Awaited<ReturnType<typeof rendered>>, where: string): void {
    assert.deepEqual(r.orderedItems, [], `${where}: a numbered list`);
    assert.ok(!r.links.some((href) => href.includes('evil.example')), `${where}: a link from typed text: ${r.links.join(', ')}`);
    assert.equal(r.images, 0, `${where}: an image`);
    assert.ok(!r.bold.some((b) => b === 'fed'), `${where}: bold from typed text`);
    assert.ok(r.text.includes(TYPED.name), `${where}: "${TYPED.name}" is not shown whole`);
  }

  it('the review card and the plan’s overview show a date-like name, a link, bold text and a mention as typed', async () => {
    const { chat } = session!;
    let before = await chat.cardCount();
    await chat.sendMessage('ny plan');
    const card = await chat.waitForCard('Samtykke', { after: before });
    await chat.fillInputs(card, { status: 'given', method: 'written', obtainedOn: today, covers: ['shareWithNetwork', 'coordinationMeetings'], yourRole: 'Bostøtte', yourOrganisation: 'Slagelse Kommune', yourSector: 'municipality' });
    await chat.clickAction(card, 'Næste');
    await chat.waitForCardText(card, 'Stamdata');
    await chat.fillInputs(card, { name: TYPED.name, dateOfBirth: '1988-03-12', preferredLanguage: 'da', dreams: TYPED.dreams });
    await chat.clickAction(card, 'Næste');
    await chat.waitForCardText(card, 'Netværk');
    await chat.fillInputs(card, { name: 'Bo Berg', role: TYPED.role, sector: 'relative' });
    await chat.clickAction(card, 'Tilføj');
    await chat.waitForCardText(card, 'Kontaktpersoner (2)');
    await chat.clickAction(card, 'Gennemse');
    await chat.waitForCardText(card, 'Gennemse og opret');
    await chat.screenshot('markdown-review', card);

    const review = await rendered(card);
    assertShownAsTyped(review, 'review');
    assert.ok(review.text.includes('1. dec. 2026 flytter jeg'), 'a dream starting with a date keeps its day');
    assert.ok(review.text.includes('**fed** [link](https://evil.example) <at>Alex</at>'), review.text);
    assert.ok(review.text.includes('12. marts 1988'), 'the date of birth, from the date input, as text too');
    assert.ok(review.listItems.some((li) => li.includes(`Bo Berg – ${TYPED.role}`)), `the network list shows the role as typed: ${review.listItems.join(' | ')}`);

    await chat.clickAction(card, 'Opret plan');
    await chat.waitForCardText(card, 'Planen er oprettet');
    before = await chat.cardCount();
    await chat.sendMessage('mine planer');
    const overview = await chat.waitForCard('Koordinerende indsatsplan', { after: before });
    await chat.screenshot('markdown-overview', overview);
    const shown = await rendered(overview);
    assertShownAsTyped(shown, 'overview');
    assert.ok(shown.listItems.some((li) => li.includes(TYPED.role)), 'the network list on the overview');
  });
});
