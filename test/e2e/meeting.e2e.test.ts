/**
 * End to end in the Agents Playground: Megan starts a plan that lists Alex by
 * e-mail, the citizen's mother and the citizen himself (who needs an
 * interpreter); Alex opens the bot, confirms he is that contact and joins the
 * network; Megan calls the coordination meeting; Alex's invitation card
 * arrives in the personal chat; Alex answers, and Megan's card shows the new
 * tally; Megan records the mother's answer from the phone and the tally counts
 * it; Megan's "Aflys mødet" asks first – "no" keeps the meeting, "yes" with a
 * reason cancels it and Alex is told why. The Playground UI is one user, so
 * the relay plays Megan (it rewrites the sender) – every click is real.
 */
import { strict as assert } from 'node:assert';
import { loadConfig } from '../../src/config';
import { RunningBot, startBot } from '../../src/compose';
import { silentLogger } from '../../src/platform/logger';
import { E2ESession, createPlanInGuide, defaultPlaygroundConfig, startSession } from './harness';

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
    await createPlanInGuide(session!, megan, {
      covers: ['shareWithNetwork', 'coordinationMeetings', 'involveRelatives'],
      contacts: [
        { name: 'Alex Wilber', role: 'Psykiatrisk sygeplejerske', sector: 'regionPsychiatry', email: 'alexw@example.com' },
        // The mother and the citizen are not in Teams: Megan invites them herself.
        { name: 'Mor Jensen', role: 'Mor', sector: 'relative', phone: '+45 55 66 77 88' },
        { name: 'Jens Jensen', role: 'Borger', sector: 'citizen', phone: '+45 20 30 40 50', reachVia: 'Via bostøtten efter kl. 10', interpreter: 'so' },
      ],
      onNetwork: (text) => assert.match(text, /Borgeren selv · Tolk: Somali/),
    });
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
    await chat.waitForCardText(overview, '1 kommer · 0 afbud · 0 sender en anden · 3 mangler svar');
    await chat.screenshot('meeting-organiser', overview);

    // The invitation to Alex arrives through the outbox as a new card in his personal chat.
    const invitation = await chat.waitForCard('Du er inviteret til et koordinationsmøde', { after: before, timeoutMs: 20_000 });
    assert.match(await chat.cardText(invitation), /Psykiatrisk sygeplejerske/);
    playground.actAs(undefined);
    await chat.clickAction(invitation, 'Jeg kommer');
    await chat.waitForCardText(invitation, 'Dit svar: Kommer');
    await chat.screenshot('meeting-invitation-answered', invitation);

    // Megan's card is updated in place with the new tally.
    await chat.waitForCardText(overview, '2 kommer · 0 afbud · 0 sender en anden · 2 mangler svar', 20_000);
  });

  it('Megan records the mother’s answer from the phone: the tally shows it like a Teams answer; the card stays short', async () => {
    const { chat, playground } = session!;
    playground.actAs({ id: megan.id, name: megan.name, aadObjectId: megan.aadObjectId });
    const before = await chat.cardCount();
    await chat.sendMessage('mine planer');
    const overview = await chat.waitForCard('Jens Jensen', { after: before });
    assert.match(await chat.cardText(overview), /Koordinationsmødet er indkaldt til/, 'the next step knows the meeting');
    await chat.clickAction(overview, 'Koordinationsmøde');
    await chat.waitForCardText(overview, '2 kommer · 0 afbud · 0 sender en anden · 2 mangler svar');
    // Folded: who answered, the form and the secure-mail list open on demand.
    assert.doesNotMatch(await chat.cardText(overview), /Mor Jensen/);
    const height = (await overview.boundingBox())!.height;
    console.log(`      organiser card height (folded): ${Math.round(height)} px`);
    assert.ok(height < 960, `${height} px: shorter than the 960 px of the card before`);

    await chat.clickAction(overview, 'Sikker mail (2)');
    const mail = await chat.cardText(overview);
    for (const expected of ['Mor Jensen', '+45 55 66 77 88', 'Jens Jensen', '+45 20 30 40 50', 'Tolk: Somali', 'kommer du, eller melder du afbud?']) assert.ok(mail.includes(expected), `missing ${expected}`);
    await chat.screenshot('meeting-secure-mail', overview);

    await chat.clickAction(overview, 'Notér svar');
    await chat.fillInputs(overview, { 'Hvem har svaret?': 'Mor Jensen', Svar: 'Afbud', 'Note (valgfri, højst 500 tegn)': 'Ringede tirsdag' });
    await chat.clickAction(overview, 'Gem svar');
    await chat.waitForCardText(overview, 'Svaret fra Mor Jensen er noteret');
    await chat.waitForCardText(overview, '2 kommer · 1 afbud · 0 sender en anden · 1 mangler svar');
    await chat.clickAction(overview, 'Vis svar (4)');
    assert.match(await chat.cardText(overview), /Mor Jensen – Afbud \(noteret af Megan Bowen: Ringede tirsdag\)/);
    await chat.screenshot('meeting-answer-recorded', overview);
  });

  it('"Aflys mødet" asks first: "no" keeps the meeting; "yes" with a reason cancels it, once, and Alex is told why', async () => {
    const { chat, playground } = session!;
    playground.actAs({ id: megan.id, name: megan.name, aadObjectId: megan.aadObjectId });
    let before = await chat.cardCount();
    await chat.sendMessage('indkald');
    const exists = await chat.waitForCard('Der er allerede indkaldt til koordinationsmøde om Jens Jensen', { after: before });
    await chat.clickAction(exists, 'Åbn mødet');
    const card = exists;
    await chat.waitForCardText(card, '2 kommer · 1 afbud · 0 sender en anden · 1 mangler svar');

    await chat.clickAction(card, 'Aflys mødet');
    await chat.screenshot('meeting-cancel-asks', card);
    await chat.clickAction(card, 'Nej, behold mødet');
    await chat.waitForCardText(card, '2 kommer · 1 afbud · 0 sender en anden · 1 mangler svar');
    assert.doesNotMatch(await chat.cardText(card), /Mødet er aflyst/, '"no" changed nothing');

    before = await chat.cardCount();
    await chat.clickAction(card, 'Aflys mødet');
    await chat.fillInputs(card, { 'Begrundelse til netværket (højst 500 tegn)': 'Jens er indlagt' });
    await chat.clickAction(card, 'Ja, aflys mødet');
    await chat.waitForCardText(card, 'Begrundelse: Jens er indlagt');
    const text = await chat.cardText(card);
    assert.equal(text.split('Mødet er aflyst').length - 1, 1, 'said once');
    assert.doesNotMatch(text, /Deltag i mødet|kommer ·/, 'no join link, no tally');
    await chat.screenshot('meeting-cancelled', card);

    // Alex's cancellation arrives as a card of its own, with the reason.
    const told = await chat.waitForCard('Begrundelse: Jens er indlagt', { after: before, timeoutMs: 20_000 });
    assert.doesNotMatch(await chat.cardText(told), /Deltag i mødet|Jeg kommer/);
  });
});
