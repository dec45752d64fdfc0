/**
 * Consent as an active choice and "Afbryd" that asks first, through the real
 * bot (activity level, real Cosmos code path): the consent card comes with
 * nothing chosen, submitting it as it is gets errors next to the fields in the
 * user's language, and "Afbryd" → "Nej" gives the step back exactly as it was.
 */
import { strict as assert } from 'node:assert';
import { NINA, TestBot, TestUser, actionData, cardsOf, textOf } from '../../support/testBot';
import { inputById, inputIds } from '../../unit/platform/cards/adaptiveCardCheck';

type Card = Record<string, unknown>;
const today = new Date().toISOString().slice(0, 10);

/** What Teams sends for a click: the card's input values (unless the action takes none) and the action's data. */
function submission(card: Card, action: string, typed: Record<string, string> = {}): Record<string, unknown> {
  const data = actionData(card, action);
  const values = Object.fromEntries(inputIds(card).map((id) => [id, typed[id] ?? String(inputById(card, id)!.value ?? '')]));
  return { ...values, ...data };
}

async function submit(bot: TestBot, user: TestUser, card: Card, action: string, typed: Record<string, string> = {}, locale = 'da-DK'): Promise<Card> {
  const answer = await bot.execute(user, 'guide', submission(card, action, typed), locale);
  assert.equal(answer.status, 200);
  return answer.card as Card;
}

/** The error line right under an input, if any. */
function errorUnder(card: Card, inputId: string): string | undefined {
  const body = card.body as Array<Record<string, unknown>>;
  const i = body.findIndex((e) => e.id === inputId);
  const next = body[i + 1];
  return i >= 0 && next?.type === 'TextBlock' && next.color === 'Attention' ? String(next.text) : undefined;
}

const consentChoices = { status: 'given', method: 'written', obtainedOn: today, covers: 'shareWithNetwork,coordinationMeetings', yourRole: 'Sygeplejerske', yourOrganisation: 'Psykiatrien Vest', yourSector: 'regionPsychiatry' };

describe('consent as an active choice, and "Afbryd" asks first (activity level)', function () {
  this.timeout(30_000);
  let bot: TestBot;

  beforeEach(async () => {
    bot = await new TestBot().start();
  });
  afterEach(async () => bot.stop());

  const cases: Array<[string, RegExp, string, string, string]> = [
    ['da-DK', /Samtykke/, 'Vælg ja eller nej.', 'Vælg hvordan samtykket er givet.', 'Vælg mindst én.'],
    ['en-GB', /Consent/, 'Choose yes or no.', 'Choose how consent was given.', 'Choose at least one.'],
    ['sv-SE', /Samtycke/, 'Välj ja eller nej.', 'Välj hur samtycket gavs.', 'Välj minst ett alternativ.'],
  ];
  for (const [locale, title, yesNo, method, scopes] of cases) {
    it(`${locale}: the consent card has no scope ticked and no method chosen; submitting it so says what to choose next to each field`, async () => {
      const [consent] = cardsOf(await bot.say(NINA, 'ny plan', locale));
      assert.match(textOf(consent), title);
      assert.equal(inputById(consent, 'covers')!.value, '', 'no scope pre-ticked');
      assert.equal(inputById(consent, 'method')!.value, '', 'no method pre-selected');
      assert.equal(inputById(consent, 'status')!.value, '', 'neither yes nor no pre-selected');
      assert.equal(inputById(consent, 'obtainedOn')!.value, today, 'only the date is proposed');

      // The user only fills in their own details and presses "Næste".
      const answer = await submit(bot, NINA, consent!, 'consent', { yourRole: 'Sygeplejerske', yourOrganisation: 'Psykiatrien Vest', yourSector: 'regionPsychiatry' }, locale);
      assert.equal(errorUnder(answer, 'status'), yesNo);
      assert.equal(errorUnder(answer, 'method'), method);
      assert.equal(errorUnder(answer, 'covers'), scopes);
      assert.doesNotMatch(textOf(answer), /Skal udfyldes|Required|Måste fyllas i/, 'no "required" on a choice');
      assert.equal(inputById(answer, 'yourRole')!.value, 'Sygeplejerske', 'what was typed stays');
      assert.match(textOf(cardsOf(await bot.say(NINA, 'fortsæt', locale))[0]), title, 'still at the consent step');
    });
  }

  it('the chosen scopes and method are what is recorded', async () => {
    const [consent] = cardsOf(await bot.say(NINA, 'ny plan'));
    const master = await submit(bot, NINA, consent!, 'consent', consentChoices);
    assert.match(textOf(master), /Stamdata/);
    const back = await submit(bot, NINA, master, 'back');
    assert.equal(inputById(back, 'covers')!.value, 'shareWithNetwork,coordinationMeetings');
    assert.equal(inputById(back, 'method')!.value, 'written');
  });

  it('"Afbryd" asks first; "Nej" gives the step back as it was, with what had been typed; nothing is deleted', async () => {
    const [consent] = cardsOf(await bot.say(NINA, 'ny plan'));
    const master = await submit(bot, NINA, consent!, 'consent', consentChoices);
    const typed = { name: 'Jens Jensen', dreams: 'At få mit eget køkken igen', address: 'Havnegade 1' };

    const question = await submit(bot, NINA, master, 'cancel', typed);
    assert.match(textOf(question), /Vil du afbryde\? Det, du har skrevet, bliver slettet\./);
    assert.match(textOf(question), /Ja, afbryd/);
    assert.match(textOf(question), /Nej, fortsæt/);
    assert.doesNotMatch(textOf(question), /Jens Jensen/, 'the question itself shows nothing typed');

    const kept = await submit(bot, NINA, question, 'keep');
    assert.match(textOf(kept), /Stamdata/);
    assert.match(textOf(kept), /Trin 2 af 4/);
    assert.equal(inputById(kept, 'name')!.value, 'Jens Jensen');
    assert.equal(inputById(kept, 'dreams')!.value, 'At få mit eget køkken igen');
    assert.equal(inputById(kept, 'address')!.value, 'Havnegade 1');
    assert.deepEqual(actionData(kept, 'masterData'), actionData(master, 'masterData'), 'the same guide at the same revision: nothing changed');

    // The guide goes on from there as if nothing had happened.
    const network = await submit(bot, NINA, kept, 'masterData', { preferredLanguage: 'da', dateOfBirth: '1990-04-12' });
    assert.match(textOf(network), /Netværk/);
    const back = await submit(bot, NINA, await submit(bot, NINA, network, 'back'), 'back');
    assert.equal(inputById(back, 'covers')!.value, 'shareWithNetwork,coordinationMeetings', 'the consent is still there');
  });

  it('"Afbryd" → "Ja, afbryd" deletes what was typed; the old question\'s "Nej" brings nothing back', async () => {
    const [consent] = cardsOf(await bot.say(NINA, 'ny plan'));
    const master = await submit(bot, NINA, consent!, 'consent', consentChoices);
    const question = await submit(bot, NINA, master, 'cancel', { name: 'Jens Jensen' });
    const done = await submit(bot, NINA, question, 'cancelConfirmed');
    assert.match(textOf(done), /Guiden er afbrudt/);
    assert.match(textOf(cardsOf(await bot.say(NINA, 'fortsæt'))[0]), /ingen påbegyndt plan/);
    const late = await submit(bot, NINA, question, 'keep');
    assert.match(textOf(late), /Guiden er afbrudt/);
    assert.doesNotMatch(textOf(late), /Jens Jensen/);
    assert.match(textOf(cardsOf(await bot.say(NINA, 'fortsæt'))[0]), /ingen påbegyndt plan/);
  });

  it('"Afbryd" on the first step asks too, and "Nej" keeps the choices made on the card', async () => {
    const [consent] = cardsOf(await bot.say(NINA, 'ny plan'));
    const question = await submit(bot, NINA, consent!, 'cancel', { status: 'given', covers: 'coordinationMeetings' });
    const kept = await submit(bot, NINA, question, 'keep');
    assert.match(textOf(kept), /Trin 1 af 4/);
    assert.equal(inputById(kept, 'status')!.value, 'given');
    assert.equal(inputById(kept, 'covers')!.value, 'coordinationMeetings');
    assert.equal(inputById(kept, 'method')!.value, '', 'nothing chosen for the user');
  });
});
