/**
 * Card actions answer the person who acted and edit nobody's message: a
 * refusal for a replayed answer never lands in the other user's chat, and a
 * user merely looking at a card (automatic refresh) causes no message edit.
 */
import { strict as assert } from 'node:assert';
import { NINA, OLE, TestBot, actionData, cardsOf, textOf, walkGuide } from '../../../support/testBot';
import { waitFor } from '../../../support/planScenario';

const future = new Date(Date.now() + 10 * 86_400_000).toISOString().slice(0, 10);
const today = new Date().toISOString().slice(0, 10);
type Card = Record<string, unknown>;

describe('card actions edit no message (teams-ai REPLACE_FOR_ALL avoided)', function () {
  this.timeout(40_000);
  let bot: TestBot;
  let invitation: Card;
  let organiserCard: Card;

  before(async () => {
    bot = await new TestBot().start();
    bot.connector.members.set(`29:${OLE.aadObjectId}`, { id: `29:${OLE.aadObjectId}`, name: OLE.name, aadObjectId: OLE.aadObjectId, email: 'ole@slagelse.example', userPrincipalName: 'ole@slagelse.example' });
    await walkGuide(bot, NINA, {
      consent: { status: 'given', method: 'written', obtainedOn: today, yourRole: 'Sygeplejerske', yourOrganisation: 'Psykiatrien Vest', yourSector: 'regionPsychiatry', covers: 'shareWithNetwork,coordinationMeetings' },
      citizen: { name: 'Jens Jensen', dateOfBirth: '1990-04-12', preferredLanguage: 'da', dreams: 'Et arbejde' },
      contacts: [{ name: 'Ole Bostøtte', role: 'Kontaktperson', sector: 'municipality', email: 'ole@slagelse.example' }],
    });
    await bot.joinNetwork(OLE);
    const [overview] = cardsOf(await bot.say(NINA, 'mine planer'));
    const form = (await bot.execute(NINA, 'meeting', actionData(overview, 'prepare'))).card as Card;
    organiserCard = (await bot.execute(NINA, 'meeting', {
      ...actionData(form, 'schedule'),
      date: future, time: '10:00', durationMinutes: '60', mode: 'virtual', joinUrl: 'https://teams.microsoft.com/l/meetup-join/x', place: '', agenda: 'Velkomst',
    }, 'da-DK', 'nina-organiser-msg')).card as Card;
    invitation = await waitFor('Ole’s invitation', () =>
      cardsOf(bot.connector.sent.filter((s) => s.conversationId === `a:personal-${OLE.aadObjectId}`)).find((c) => /inviteret/.test(textOf(c))));
  });
  after(async () => bot.stop());

  const putsTo = (activityId: string) => bot.connector.sent.filter((s) => s.method === 'PUT' && s.activity.id === activityId);

  it('a refusal for replaying someone else’s answer is the invoke answer only, never an edit of their message', async () => {
    const before = bot.connector.sent.length;
    const answer = await bot.execute(NINA, 'invitation', actionData(invitation, 'accept'), 'da-DK', 'ole-invitation-msg');
    assert.equal(answer.status, 200);
    assert.match(textOf(answer.card), /Invitationen er ikke til dig/, 'Nina is told she cannot answer for Ole');
    assert.deepEqual(putsTo('ole-invitation-msg'), []);
    assert.equal(bot.connector.sent.slice(before).filter((s) => s.method === 'PUT' && s.activity.id === 'ole-invitation-msg').length, 0);
  });

  it('automatic refreshes of a card with `refresh` answer with the card and edit nothing', async () => {
    assert.ok((invitation as { refresh?: unknown }).refresh, 'the invitation card refreshes itself (the case teams-ai mishandles)');
    for (let i = 0; i < 5; i++) {
      const answer = await bot.execute(OLE, 'invitation', actionData(invitation, 'view'), 'da-DK', 'ole-invitation-msg', undefined, 'automatic');
      assert.equal(answer.status, 200);
      assert.match(textOf(answer.card), /koordinationsmøde/);
    }
    assert.deepEqual(putsTo('ole-invitation-msg'), []);
  });

  it('Ole’s own answer replaces his card for him and edits no message of his', async () => {
    const answer = await bot.execute(OLE, 'invitation', actionData(invitation, 'accept'), 'da-DK', 'ole-invitation-msg');
    assert.match(textOf(answer.card), /Dit svar er gemt|kommer/i);
    assert.deepEqual(putsTo('ole-invitation-msg'), []);
  });

  it('the organiser looking at her card (automatic refresh) edits nothing either', async () => {
    const puts = putsTo('nina-organiser-msg').length;
    await bot.execute(NINA, 'meeting', actionData(organiserCard, 'organiserView'), 'da-DK', 'nina-organiser-msg-2', undefined, 'automatic');
    assert.deepEqual(putsTo('nina-organiser-msg-2'), []);
    assert.ok(putsTo('nina-organiser-msg').length >= puts, 'live updates of her card (answers) may edit it; a look does not');
  });
});
