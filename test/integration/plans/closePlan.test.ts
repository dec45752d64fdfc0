/**
 * Closing a plan through the real bot (activity level, several users): the
 * organiser chooses a reason and confirms; the plan is read-only from then on
 * – every button of every card of the plan, for everybody, answers that it is
 * closed and changes nothing – the network is told, open meetings are
 * cancelled and their reminders dropped, links die. "Nej" changes nothing.
 */
import { strict as assert } from 'node:assert';
import { NINA, OLE, TestBot, TestUser } from '../../support/testBot';
import { inputById, inputIds } from '../../unit/platform/cards/adaptiveCardCheck';
import {
  CITIZEN,
  Card,
  GRETE,
  KARI,
  callMeeting,
  cardsOf,
  cardsTo,
  documentsOf,
  executeActionsOf,
  icsLinks,
  myPlans,
  outboxIdle,
  planWithNetwork,
  press,
  storedPlan,
  textOf,
  today,
  waitFor,
} from '../../support/planScenario';

const CLOSED = /Planen er afsluttet og kan ikke ændres\. Intet er ændret\./;

describe('closing a plan through the bot (activity level)', function () {
  this.timeout(90_000);
  let bot: TestBot;

  beforeEach(async () => {
    bot = await new TestBot().start();
    await planWithNetwork(bot);
  });
  afterEach(async () => bot.stop());

  it('asks for a reason (none chosen; "Andet" needs a note), spells out what happens, and "Nej" changes nothing', async () => {
    const form = await press(bot, NINA, 'planLifecycle', await myPlans(bot, NINA), 'closeForm');
    assert.equal(inputById(form, 'reason')!.value, '', 'no reason chosen in advance');
    assert.match(textOf(await press(bot, NINA, 'planLifecycle', form, 'closeCheck')), /Vælg en grund/);
    assert.match(textOf(await press(bot, NINA, 'planLifecycle', form, 'closeCheck', { reason: 'other' })), /Skriv kort, hvad grunden er/);
    const confirm = await press(bot, NINA, 'planLifecycle', form, 'closeCheck', { reason: 'goalsReached' });
    assert.match(textOf(confirm), /Afslut planen\? Det sker med det samme/);
    assert.match(textOf(confirm), /skrivebeskyttet/);
    assert.match(textOf(confirm), /Planen slettes/);
    const before = await documentsOf(bot, 'plans');
    const no = await press(bot, NINA, 'planLifecycle', confirm, 'back');
    assert.match(textOf(no), /Intet er ændret/);
    assert.deepEqual(await documentsOf(bot, 'plans'), before);
    assert.match(textOf(await myPlans(bot, OLE)), /Udkast/, 'still open for the network');
  });

  it('every button of every card of a closed plan, for everybody, answers that it is closed and changes nothing', async () => {
    // Every card the plan has, collected while it is open, with who holds it.
    const held: Array<[TestUser, string, Card]> = [];
    const ninasOverview = await myPlans(bot, NINA);
    const scheduleForm = await press(bot, NINA, 'meeting', ninasOverview, 'prepare');
    const organiser = await callMeeting(bot);
    const [motherLink] = icsLinks(bot, organiser);
    const invitation = await waitFor('Ole’s invitation', () => cardsTo(bot, OLE).find((c) => /inviteret til et koordinationsmøde/.test(textOf(c))));
    await press(bot, OLE, 'invitation', invitation, 'accept');
    const before = bot.connector.sent.length;
    await press(bot, NINA, 'meeting', organiser, 'checklistView');
    const checklist = cardsOf(bot.connector.sent.slice(before)).find((c) => /Tjekliste til koordinationsmødet/.test(textOf(c)))!;
    assert.ok(checklist, 'the checklist card');
    // Grete opens the bot: she is asked whether she is the GP the plan lists, and has not answered yet.
    const isItYou = cardsOf(await bot.installedBy(GRETE)).find((c) => /Er det dig\?/.test(textOf(c)))!;
    assert.ok(isItYou, 'Grete is asked');
    const withdrawForm = await press(bot, NINA, 'planLifecycle', await myPlans(bot, NINA), 'withdrawForm');
    const withdrawConfirm = await press(bot, NINA, 'planLifecycle', withdrawForm, 'withdrawCheck', { scope: 'coordinationMeetings', method: 'verbal', on: today });
    const closeForm = await press(bot, NINA, 'planLifecycle', await myPlans(bot, NINA), 'closeForm');
    const closeConfirm = await press(bot, NINA, 'planLifecycle', closeForm, 'closeCheck', { reason: 'movedAway' });
    const latestNinasOverview = await myPlans(bot, NINA);
    held.push(
      [NINA, 'planOverview', ninasOverview], [NINA, 'planOverview', latestNinasOverview], [OLE, 'planOverview', await myPlans(bot, OLE)],
      [KARI, 'planOverview', await myPlans(bot, KARI)], [NINA, 'meetingSchedule', scheduleForm], [NINA, 'meetingOrganiser', organiser],
      [OLE, 'meetingOrganiser', organiser], [NINA, 'meetingChecklist', checklist], [OLE, 'meetingChecklist', checklist],
      [OLE, 'meetingInvitation', invitation], [GRETE, 'planLinkConfirm', isItYou], [NINA, 'planWithdraw', withdrawForm],
      [NINA, 'confirm (withdraw)', withdrawConfirm], [NINA, 'planClose', closeForm],
    );
    assert.ok(executeActionsOf(ninasOverview).some((a) => a.verb === 'planLink'), 'the undo of Ole’s link (inside a ShowCard) is among them');

    // Close it.
    const closed = await press(bot, NINA, 'planLifecycle', closeConfirm, 'closeConfirm');
    assert.match(textOf(closed), /Planen er afsluttet\. Den slettes/);
    assert.match(textOf(closed), /Afsluttet/);
    assert.match(textOf(closed), /Borgeren er flyttet/);
    assert.equal((await storedPlan(bot)).status, 'closed');

    // What follows: the network is told (not why), the open meeting is cancelled, reminders dropped, links die.
    const told = await waitFor('Ole’s notice', () => cardsTo(bot, OLE).find((c) => /er afsluttet\. Du kan læse den under "mine planer"/.test(textOf(c))));
    assert.doesNotMatch(textOf(told), /flyttet|moved/);
    await waitFor('Kari’s notice', () => cardsTo(bot, KARI).find((c) => /er afsluttet/.test(textOf(c))));
    await waitFor('Ole’s cancellation', () => cardsTo(bot, OLE).find((c) => /Mødet er aflyst/.test(textOf(c))));
    await waitFor('the meeting cancelled', async () => ((await documentsOf(bot, 'meetings')) as Array<{ status: string }>).every((m) => m.status === 'cancelled') || undefined);
    const reminders = await waitFor('reminders cancelled', async () => {
      const jobs = ((await documentsOf(bot, 'schedule')) as Array<{ kind: string; status: string }>).filter((j) => j.kind.startsWith('meeting.reminder'));
      return jobs.length > 0 && jobs.every((j) => j.status === 'cancelled') ? jobs : undefined;
    });
    assert.ok(reminders.length >= 1);
    assert.ok([404, 410].includes((await fetch(motherLink!)).status), 'the mother’s .ics link is dead');
    assert.match(textOf(await myPlans(bot, OLE)), new RegExp(CITIZEN.name), 'the network can still read it');
    await outboxIdle(bot);

    // Every button, clicked by whoever holds the card: the answer says the plan is closed; nothing changes anywhere.
    const snapshot = async () => ({ plans: await documentsOf(bot, 'plans'), meetings: await documentsOf(bot, 'meetings'), outbox: (await documentsOf(bot, 'outbox')).length });
    const unchanged = await snapshot();
    let clicked = 0;
    for (const [user, name, card] of [...held, [NINA, 'confirm (close)', closeConfirm] as [TestUser, string, Card]]) {
      for (const action of executeActionsOf(card)) {
        const values = Object.fromEntries(inputIds(card).map((id) => [id, String(inputById(card, id)!.value ?? '')]));
        const answer = await bot.execute(user, action.verb, { ...values, ...action.data });
        assert.equal(answer.status, 200);
        const text = textOf(answer.card);
        const label = `${user.name} on ${name}: "${action.title}" (${action.verb}/${String(action.data.action)})`;
        // "Fortryd"/"Nej" shows the plan as it is, saying nothing changed; every other button says the plan is closed.
        if (action.data.action === 'back') assert.match(text, /Intet er ændret[\s\S]*Afsluttet/, label);
        // "Hent som Word" keeps its own words for it (src/plans/document): no document of a closed plan.
        else if (action.verb === 'planDocument') assert.match(text, /kan ikke hentes som dokument: den er lukket/, label);
        // "Who has seen the plan" is a read (the log comes as its own message): the card says the plan is closed.
        else if (action.data.action === 'accessLog') assert.match(text, /Ingen – planen er afsluttet/, label);
        // "Åbn planen" is a read: the network may still read a closed plan; the card says it is closed and offers no change.
        else if (action.verb === 'planCard' && action.data.action === 'show') {
          assert.match(text, /Afsluttet/, label);
          const changes = executeActionsOf(answer.card as Card).filter((a) => a.verb === 'planCard' && /^(edit|save|remove|add|new)/i.test(String(a.data.action)));
          assert.deepEqual(changes.map((a) => a.data.action), [], `${label}: no edit buttons on a closed plan`);
        }
        else assert.match(text, CLOSED, label);
        clicked++;
      }
    }
    assert.ok(clicked >= 25, `${clicked} buttons clicked`);
    await new Promise((r) => setTimeout(r, 300));
    assert.deepEqual(await snapshot(), unchanged, 'nothing changed: plan, meetings, nothing sent');
  });
});
