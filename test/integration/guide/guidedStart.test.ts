/**
 * The guided start through the real bot: HTTP → CloudAdapter → teams-ai →
 * services → @azure/cosmos → embedded Cosmos server, answers on a loopback connector.
 */
import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { NINA, OLE, TestBot, TestUser, actionData, allActionData, cardsOf, textOf, walkGuide } from '../../support/testBot';

const today = new Date().toISOString().slice(0, 10);

const consentFields = {
  status: 'given',
  method: 'verbal',
  obtainedOn: today,
  covers: 'shareWithNetwork,coordinationMeetings',
  note: '',
  yourRole: 'Psykiatrisk sygeplejerske',
  yourOrganisation: 'Psykiatrien Vest',
  yourSector: 'regionPsychiatry',
};
const masterFields = {
  name: 'Jens Jensen',
  dateOfBirth: '1990-04-12',
  address: 'Havnegade 1, 4200 Slagelse',
  housingUnit: 'Bostedet Engen',
  preferredLanguage: 'da',
  dreams: 'At få mit eget køkken igen',
  wishes: 'Færre skift af kontaktperson',
  needs: 'Hjælp til medicin og økonomi',
};
const ole = { name: 'Ole Bostøtte', role: 'Kontaktperson', organisation: 'Slagelse Kommune', sector: 'municipality', email: 'OLE@slagelse.example', phone: '+45 12 34 56 78' };
const gp = { name: 'Dr. Hansen', role: 'Egen læge', organisation: '', sector: 'gp', email: '', phone: '' };

type Card = Record<string, unknown>;

async function click(bot: TestBot, user: TestUser, card: Card, action: string, fields: Record<string, string> = {}, locale = 'da-DK') {
  const data = { ...actionData(card, action), ...fields };
  const answer = await bot.execute(user, 'guide', data, locale);
  assert.equal(answer.status, 200);
  assert.ok(answer.card, 'an answer card');
  return answer.card as Card;
}

/** Walks the guide to the review step and returns the review card. */
const toReview = (bot: TestBot, user: TestUser): Promise<Card> =>
  walkGuide(bot, user, { consent: consentFields, citizen: masterFields, contacts: [ole, gp] }, false);

describe('guided start through the bot (activity level, real Cosmos code path)', function () {
  this.timeout(30_000);
  let bot: TestBot;

  beforeEach(async () => {
    bot = await new TestBot().start();
  });
  afterEach(async () => bot.stop());

  it('welcomes a user who installs the bot, with buttons for the main commands', async () => {
    const cards = cardsOf(await bot.installedBy(NINA));
    assert.equal(cards.length, 1);
    const text = textOf(cards[0]);
    assert.match(text, /Velkommen til Samspil/);
    assert.match(text, /Ny plan/);
    assert.match(text, /Mine planer/);
  });

  it('goes through consent, master data, network and review, then shows the plan under "mine planer"', async () => {
    const review = await toReview(bot, NINA);
    const reviewText = textOf(review);
    assert.match(reviewText, /Gennemse og opret/);
    assert.match(reviewText, /Jens Jensen/);
    assert.match(reviewText, /At få mit eget køkken igen/);
    assert.match(reviewText, /Ole Bostøtte/);
    assert.match(reviewText, /Dr\. Hansen/);

    // Back to the network, open Ole's card: details as saved (e-mail lower-case), then forward again.
    const network = await click(bot, NINA, review, 'back');
    const edits = allActionData(network, 'editContact');
    assert.equal(edits.length, 3, 'an edit button per contact');
    const oleCard = (await bot.execute(NINA, 'guide', edits[1]!)).card;
    assert.match(textOf(oleCard), /Ret kontaktperson/);
    assert.match(textOf(oleCard), /^ole@slagelse\.example$/m, 'e-mail is stored lower-case');
    const backToNetwork = await click(bot, NINA, oleCard!, 'showNetwork');
    const review2 = await click(bot, NINA, backToNetwork, 'toReview');

    const created = await click(bot, NINA, review2, 'create');
    const createdText = textOf(created);
    assert.match(createdText, /Planen er oprettet/);
    assert.match(createdText, /KIP-[0-9A-Z]{4}-[0-9A-Z]{4}/);
    assert.match(createdText, /Netværk \(3\)/);

    const list = cardsOf(await bot.say(NINA, 'mine planer'));
    assert.equal(list.length, 1);
    const overview = textOf(list[0]);
    assert.match(overview, /Jens Jensen/);
    assert.match(overview, /Givet mundtligt/);
    assert.match(overview, /Udkast/);
    assert.match(overview, /Indkald netværket/);
  });

  it('shows field errors on the card for empty, oversized and impossible input, and keeps what was typed', async () => {
    const [consent] = cardsOf(await bot.say(NINA, 'ny plan'));
    let card = await click(bot, NINA, consent!, 'consent', { ...consentFields, yourRole: '' });
    assert.match(textOf(card), /Ret venligst det markerede/);
    assert.match(textOf(card), /Skal udfyldes/);
    assert.match(textOf(card), /Psykiatrien Vest/, 'typed values are kept');
    card = await click(bot, NINA, card, 'consent', consentFields);

    card = await click(bot, NINA, card, 'masterData', { ...masterFields, name: 'x'.repeat(121), dateOfBirth: '2023-02-30' });
    const text = textOf(card);
    assert.match(text, /Højst 120 tegn/);
    assert.match(text, /Datoen findes ikke/);
    assert.match(text, /Stamdata/, 'still on the master data step');

    card = await click(bot, NINA, card, 'masterData', { ...masterFields, dreams: '', wishes: '', needs: '' });
    assert.match(textOf(card), /mindst én af borgerens drømme, ønsker eller behov/);

    card = await click(bot, NINA, card, 'masterData', masterFields);
    card = await click(bot, NINA, card, 'toReview');
    assert.match(textOf(card), /mindst én kontaktperson ud over dig selv/);
    card = await click(bot, NINA, card, 'addContact', { ...ole, email: 'not-an-email' });
    assert.match(textOf(card), /E-mailadressen ser forkert ud/);
    assert.match(textOf(card), /Kontaktpersoner \(1\)/, 'the invalid contact was not added');

    assert.equal(cardsOf(await bot.say(NINA, 'mine planer')).length, 1);
    assert.match(textOf(cardsOf(await bot.say(NINA, 'mine planer'))[0]), /ikke med i nogen planer/);
  });

  it('creates exactly one plan when "Opret plan" is double-clicked, and says so on the second click', async () => {
    const review = await toReview(bot, NINA);
    const [a, b] = await Promise.all([click(bot, NINA, review, 'create'), click(bot, NINA, review, 'create')]);
    const texts = [textOf(a), textOf(b)].join('\n---\n');
    assert.match(texts, /Planen er oprettet/);
    assert.match(texts, /Planen er allerede oprettet/);
    const again = await click(bot, NINA, review, 'create');
    assert.match(textOf(again), /allerede oprettet/);
    const list = cardsOf(await bot.say(NINA, 'mine planer'));
    assert.equal(list.length, 1, 'one plan, not two');
  });

  it('refuses a payload naming another user’s guide and changes nothing', async () => {
    const review = await toReview(bot, NINA);
    const forged = await bot.execute(OLE, 'guide', { ...actionData(review, 'create') });
    assert.match(textOf(forged.card), /ikke adgang/);
    assert.equal(cardsOf(await bot.say(NINA, 'mine planer')).filter((c) => /Jens Jensen/.test(textOf(c))).length, 0);
    assert.match(textOf(cardsOf(await bot.say(OLE, 'mine planer'))[0]), /ikke med i nogen planer/);
  });

  it('refuses a stale card from an earlier step without changing the guide', async () => {
    const [consent] = cardsOf(await bot.say(NINA, 'ny plan'));
    const master = await click(bot, NINA, consent!, 'consent', consentFields);
    const again = await click(bot, NINA, consent!, 'consent', { ...consentFields, yourRole: 'Changed' });
    assert.match(textOf(again), /ikke længere aktuelt/);
    assert.match(textOf(again), /Stamdata/, 'shows where the guide is now');
    assert.equal(actionData(again, 'masterData').rev, actionData(master, 'masterData').rev);
  });

  it('a field far over any limit keeps the user on their step with a clear message, and saves nothing', async () => {
    const [consent] = cardsOf(await bot.say(NINA, 'ny plan'));
    const master = await click(bot, NINA, consent!, 'consent', consentFields);
    const answer = await bot.execute(NINA, 'guide', { ...actionData(master, 'masterData'), ...masterFields, dreams: 'x'.repeat(10_001) });
    assert.match(textOf(answer.card), /Kortet kunne ikke læses/);
    assert.match(textOf(answer.card), /Stamdata/, 'still on the master data step');
    assert.match(textOf(cardsOf(await bot.say(NINA, 'fortsæt'))[0]), /Stamdata/, 'nothing was saved');
  });

  it('answers a forged or broken payload with a clear message', async () => {
    const answer = await bot.execute(NINA, 'guide', { action: 'create', draftId: 'not-a-uuid', rev: 1 });
    assert.match(textOf(answer.card), /Kortet kunne ikke læses/);
    const unknownVerb = await bot.execute(NINA, 'delete-everything', {});
    assert.match(textOf(unknownVerb.card), /Kortet kunne ikke læses/);
  });

  it('resumes an unfinished guide with "fortsæt", and cancelling deletes what was typed', async () => {
    const [consent] = cardsOf(await bot.say(NINA, 'ny plan'));
    await click(bot, NINA, consent!, 'consent', consentFields);
    const [resumed] = cardsOf(await bot.say(NINA, 'fortsæt'));
    assert.match(textOf(resumed), /Her fortsætter du/);
    assert.match(textOf(resumed), /Stamdata/);
    // "Afbryd" asks first (test/integration/guide/consentAndCancel.test.ts clicks "Nej" too); "Ja, afbryd" deletes.
    const question = await click(bot, NINA, resumed!, 'cancel');
    assert.match(textOf(question), /Vil du afbryde\? Det, du har skrevet, bliver slettet\./);
    const cancelled = await click(bot, NINA, question, 'cancelConfirmed');
    assert.match(textOf(cancelled), /Guiden er afbrudt/);
    assert.match(textOf(cardsOf(await bot.say(NINA, 'fortsæt'))[0]), /ingen påbegyndt plan/);
  });

  it('stops and keeps nothing when the citizen refuses consent', async () => {
    const [consent] = cardsOf(await bot.say(NINA, 'ny plan'));
    const card = await click(bot, NINA, consent!, 'consent', { ...consentFields, status: 'refused' });
    assert.match(textOf(card), /ikke givet samtykke/);
    assert.match(textOf(cardsOf(await bot.say(NINA, 'fortsæt'))[0]), /ingen påbegyndt plan/);
  });

  it('gives the same guide for a retried "ny plan" activity (Teams re-sends slow activities)', async () => {
    const first = cardsOf(await bot.say(NINA, 'ny plan', 'da-DK', 'retry-me'));
    const second = cardsOf(await bot.say(NINA, 'ny plan', 'da-DK', 'retry-me'));
    assert.equal(actionData(first[0], 'consent').draftId, actionData(second[0], 'consent').draftId);
  });

  it('never shows plans or the guide in a group chat or channel', async () => {
    const review = await toReview(bot, NINA);
    await click(bot, NINA, review, 'create');
    for (const conversationType of ['groupChat', 'channel']) {
      const overrides = { conversation: { id: `19:${conversationType}@thread.v2`, conversationType, tenantId: NINA.tenantId } };
      const sent = await bot.sayIn(NINA, 'mine planer', overrides);
      const text = cardsOf(sent).map(textOf).join('\n');
      assert.match(text, /kun i din personlige chat/);
      assert.doesNotMatch(text, /Jens Jensen/);
      const started = cardsOf(await bot.sayIn(NINA, 'ny plan', overrides)).map(textOf).join('\n');
      assert.doesNotMatch(started, /Samtykke/);
    }
  });

  it('answers in English and Swedish when the client says so, and hints on unknown text', async () => {
    const en = cardsOf(await bot.say(NINA, 'new plan', 'en-US'));
    assert.match(textOf(en[0]), /Consent/);
    const sv = cardsOf(await bot.say(NINA, 'hjälp', 'sv-SE'));
    assert.match(textOf(sv[0]), /Det här kan Samspil/);
    const hint = cardsOf(await bot.say(NINA, 'hvad er klokken?'));
    assert.match(textOf(hint[0]), /Det forstod jeg ikke/);
  });
});

describe('plans survive a restart of the bot', function () {
  this.timeout(30_000);
  let dir: string;
  let bot: TestBot;

  before(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'samspil-restart-'));
  });
  after(async () => {
    await bot?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('still lists the plan after the bot and its embedded store restart on the same DATA_DIR', async () => {
    bot = await new TestBot(dir).start();
    const review = await toReview(bot, NINA);
    await click(bot, NINA, review, 'create');
    await bot.stopBot();
    await bot.start();
    const list = cardsOf(await bot.say(NINA, 'mine planer'));
    assert.equal(list.length, 1);
    assert.match(textOf(list[0]), /Jens Jensen/);
  });
});
