/**
 * Linking a Teams user to a contact is confirmed (activity level, real Cosmos):
 * a verified e-mail match only asks; the user is in the network after "yes";
 * nobody else can answer for them; "no" and the organiser's undo keep them out.
 */
import { strict as assert } from 'node:assert';
import { NINA, OLE, TENANT, TestBot, TestUser, actionData, cardsOf, textOf, walkGuide } from '../../support/testBot';

const today = new Date().toISOString().slice(0, 10);
const MALLORY: TestUser = { aadObjectId: '00000000-0000-4000-8000-00000000c003', name: 'Mallory', tenantId: TENANT };
type Card = Record<string, unknown>;

describe('linking a Teams user to a plan is confirmed on a card', function () {
  this.timeout(30_000);
  let bot: TestBot;

  const member = (user: TestUser, email: string, upn = email) =>
    bot.connector.members.set(`29:${user.aadObjectId}`, { id: `29:${user.aadObjectId}`, name: user.name, aadObjectId: user.aadObjectId, email, userPrincipalName: upn });

  beforeEach(async () => {
    bot = await new TestBot().start();
    await walkGuide(bot, NINA, {
      consent: { status: 'given', method: 'written', obtainedOn: today, yourRole: 'Sygeplejerske', yourOrganisation: 'Psykiatrien Vest', yourSector: 'regionPsychiatry', covers: 'shareWithNetwork,coordinationMeetings' },
      citizen: { name: 'Jens Jensen', dateOfBirth: '1990-04-12', preferredLanguage: 'da', dreams: 'Et arbejde' },
      contacts: [{ name: 'Ole Bostøtte', role: 'Kontaktperson', organisation: 'Slagelse Kommune', sector: 'municipality', email: 'ole@slagelse.example' }],
    });
  });
  afterEach(async () => bot.stop());

  const plansOf = async (user: TestUser) => cardsOf(await bot.say(user, 'mine planer')).filter((c) => /Jens Jensen/.test(textOf(c)));
  const askedOf = (cards: Card[]) => cards.filter((c) => JSON.stringify(c).includes('"planLink"') && /Er det dig/.test(textOf(c)));

  it('a matching verified e-mail asks "Er det dig?" with the contact’s details and no citizen data; "yes" links', async () => {
    member(OLE, 'ole@slagelse.example');
    const [asked, ...more] = askedOf(cardsOf(await bot.installedBy(OLE)));
    assert.ok(asked, 'Ole is asked');
    assert.equal(more.length, 0);
    const text = textOf(asked);
    assert.match(text, /Ole Bostøtte/);
    assert.match(text, /Kontaktperson/);
    assert.match(text, /Slagelse Kommune/);
    assert.match(text, /Nina Sygeplejerske/);
    assert.doesNotMatch(JSON.stringify(asked), /Jens Jensen|1990-04-12|Et arbejde/, 'no citizen data before he confirms');
    assert.deepEqual(await plansOf(OLE), [], 'not in the network before he confirms');

    const answer = await bot.execute(OLE, 'planLink', actionData(asked, 'confirm'));
    assert.match(textOf(answer.card), /du er nu med i netværket/);
    assert.match(textOf(answer.card), /Jens Jensen/);
    assert.equal((await plansOf(OLE)).length, 1);
  });

  it('nobody else can confirm Ole’s question: Mallory replaying his card is refused and gets nothing', async () => {
    member(OLE, 'ole@slagelse.example');
    const [asked] = askedOf(cardsOf(await bot.installedBy(OLE)));
    const answer = await bot.execute(MALLORY, 'planLink', actionData(asked, 'confirm'));
    assert.match(textOf(answer.card), /gælder ikke længere/);
    assert.doesNotMatch(JSON.stringify(answer.card), /Jens Jensen/);
    assert.deepEqual(await plansOf(MALLORY), []);
    assert.deepEqual(await plansOf(OLE), [], 'and Ole is not linked by her click either');
  });

  it('only the verified e-mail counts: a matching sign-in name (UPN) alone asks nothing', async () => {
    member(OLE, '', 'ole@slagelse.example');
    assert.deepEqual(askedOf(cardsOf(await bot.installedBy(OLE))), []);
    assert.deepEqual(await plansOf(OLE), []);
  });

  it('"no, this is not me" links nothing and is not asked again', async () => {
    member(OLE, 'ole@slagelse.example');
    const [asked] = askedOf(cardsOf(await bot.installedBy(OLE)));
    const answer = await bot.execute(OLE, 'planLink', actionData(asked, 'decline'));
    assert.match(textOf(answer.card), /ikke koblet til planen/);
    assert.deepEqual(askedOf(cardsOf(await bot.say(OLE, 'mine planer'))), [], 'not asked again');
    assert.deepEqual(await plansOf(OLE), []);
  });

  it('the organiser sees the link and can undo it; Ole then no longer sees the plan; Ole cannot undo others', async () => {
    member(OLE, 'ole@slagelse.example');
    await bot.joinNetwork(OLE);
    const [overview] = await plansOf(NINA);
    assert.match(textOf(overview), /Koblet til Teams/);
    assert.match(textOf(overview), /Fjern koblingen for Ole Bostøtte/);
    const [oleView] = await plansOf(OLE);
    assert.doesNotMatch(textOf(oleView), /Koblet til Teams/, 'only the organiser sees the undo');
    const forged = await bot.execute(OLE, 'planLink', actionData(overview, 'undo'));
    assert.match(textOf(forged.card), /adgang|ikke/i);
    assert.equal((await plansOf(OLE)).length, 1, 'Ole’s forged undo changed nothing');

    const undone = await bot.execute(NINA, 'planLink', actionData(overview, 'undo'));
    assert.match(textOf(undone.card), /Koblingen er fjernet/);
    assert.deepEqual(await plansOf(OLE), []);
    assert.deepEqual(askedOf(cardsOf(await bot.say(OLE, 'mine planer'))), [], 'not asked again after the organiser’s undo');
  });
});
