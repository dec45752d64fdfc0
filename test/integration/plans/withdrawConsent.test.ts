/**
 * Withdrawing consent through the real bot (activity level, several users,
 * real Cosmos code path, the outbox to a loopback connector): the organiser
 * records it on a form, sees what will happen, and confirms; sharing beyond
 * the remaining scopes stops at once, open meetings are cancelled with the
 * neutral notice, links die, and those who lost access are told that the plan
 * changed – never why. "Nej" changes nothing.
 */
import { strict as assert } from 'node:assert';
import { NINA, OLE, TestBot, actionData } from '../../support/testBot';
import { inputById } from '../../unit/platform/cards/adaptiveCardCheck';
import {
  CITIZEN,
  Card,
  KARI,
  MOTHER,
  callMeeting,
  cardsOf,
  cardsTo,
  documentsOf,
  icsLinks,
  myPlans,
  planWithNetwork,
  press,
  storedPlan,
  textOf,
  today,
  waitFor,
} from '../../support/planScenario';

const invitationOf = (bot: TestBot, user: typeof OLE) => cardsTo(bot, user).find((c) => /inviteret til et koordinationsmøde/.test(textOf(c)));
const cancellationOf = (bot: TestBot, user: typeof OLE) => cardsTo(bot, user).find((c) => /Mødet er aflyst/.test(textOf(c)));

async function overview(bot: TestBot, user = NINA): Promise<Card> {
  return myPlans(bot, user);
}

describe('withdrawing consent through the bot (activity level)', function () {
  this.timeout(60_000);
  let bot: TestBot;

  beforeEach(async () => {
    bot = await new TestBot().start();
    await planWithNetwork(bot);
  });
  afterEach(async () => bot.stop());

  it('the form offers all or each scope still covered, with nothing chosen; submitting it so says what to choose', async () => {
    const form = await press(bot, NINA, 'planLifecycle', await overview(bot), 'withdrawForm');
    assert.match(textOf(form), /Træk samtykke tilbage/);
    const scopes = (inputById(form, 'scope')!.choices as { value: string }[]).map((c) => c.value);
    assert.deepEqual(scopes, ['all', 'shareWithNetwork', 'coordinationMeetings', 'involveRelatives']);
    assert.equal(inputById(form, 'scope')!.value, '');
    assert.equal(inputById(form, 'method')!.value, '');
    const before = await documentsOf(bot, 'plans');
    const answer = await press(bot, NINA, 'planLifecycle', form, 'withdrawCheck');
    assert.match(textOf(answer), /Vælg, hvad der trækkes tilbage/);
    assert.match(textOf(answer), /Vælg, hvordan det er sket/);
    assert.deepEqual(await documentsOf(bot, 'plans'), before, 'nothing changed');
  });

  it('"træk samtykke tilbage" / "withdraw consent" / "återkalla samtycke" and "afslut plan" open the forms for the organiser', async () => {
    const first = (sent: Awaited<ReturnType<TestBot['say']>>) => cardsOf(sent.filter((x) => x.conversationId === `a:personal-${NINA.aadObjectId}`))[0]!;
    assert.match(textOf(first(await bot.say(NINA, 'træk samtykke tilbage'))), /Hvad trækker borgeren tilbage\?/);
    assert.match(textOf(first(await bot.say(NINA, 'withdraw consent', 'en-GB'))), /What does the citizen withdraw\?/);
    assert.match(textOf(first(await bot.say(NINA, 'återkalla samtycke', 'sv-SE'))), /Vad återkallar brukaren\?/);
    assert.match(textOf(first(await bot.say(NINA, 'afslut plan'))), /Hvorfor afsluttes planen\?/);
    const oles = cardsOf((await bot.say(OLE, 'træk samtykke tilbage')).filter((x) => x.conversationId === `a:personal-${OLE.aadObjectId}`));
    assert.match(textOf(oles[0]), /Kun den, der har oprettet planen/);
  });

  it('only the organiser may withdraw: the others have no button, and a replayed card is refused', async () => {
    const oles = await overview(bot, OLE);
    assert.doesNotMatch(textOf(oles), /Træk samtykke tilbage/);
    const replay = await bot.execute(OLE, 'planLifecycle', actionData(await overview(bot), 'withdrawForm'));
    assert.match(textOf(replay.card), /ikke adgang/);
  });

  it('"network": everybody but the organiser loses the plan at once, the open meeting is cancelled for the invitees, the links die, and the others are told neutrally', async () => {
    const organiser = await callMeeting(bot);
    await waitFor('Ole’s invitation', () => invitationOf(bot, OLE));
    const [motherLink] = icsLinks(bot, organiser);
    assert.ok(motherLink, 'the mother has an .ics link');
    assert.equal((await fetch(motherLink)).status, 200);

    const form = await press(bot, NINA, 'planLifecycle', await overview(bot), 'withdrawForm');
    const confirm = await press(bot, NINA, 'planLifecycle', form, 'withdrawCheck', { scope: 'shareWithNetwork', method: 'verbal', on: today, note: 'Sagt i telefonen' });
    const spelledOut = textOf(confirm);
    assert.match(spelledOut, /Er du sikker|Træk samtykket tilbage for: Deling af oplysninger med netværket/);
    assert.match(spelledOut, /mister adgang til planen: Ole Bostøtte, Kari Jensen/);
    assert.match(spelledOut, /1 åbne møder aflyses/);
    assert.match(spelledOut, /Links til kalenderfiler/);
    assert.match(spelledOut, /ikke hvorfor/);

    // "Nej": nothing changes – Ole still sees the plan, the meeting stands, the link works.
    const before = { plans: await documentsOf(bot, 'plans'), meetings: await documentsOf(bot, 'meetings') };
    const no = await press(bot, NINA, 'planLifecycle', confirm, 'back');
    assert.match(textOf(no), /Intet er ændret/);
    assert.deepEqual({ plans: await documentsOf(bot, 'plans'), meetings: await documentsOf(bot, 'meetings') }, before);
    assert.match(textOf(await overview(bot, OLE)), new RegExp(CITIZEN.name));
    assert.equal((await fetch(motherLink)).status, 200);

    // "Ja": at once.
    const yes = await press(bot, NINA, 'planLifecycle', confirm, 'withdrawConfirm');
    assert.match(textOf(yes), /Samtykket omfatter ikke længere: Deling af oplysninger med netværket/);
    assert.match(textOf(yes), /Samtykke trukket tilbage/);
    const plan = await storedPlan(bot);
    assert.deepEqual(plan.memberIds, [NINA.aadObjectId], 'only the organiser still sees the plan');
    for (const user of [OLE, KARI]) assert.match(textOf(await myPlans(bot, user)), /ikke med i nogen planer/, `${user.name} no longer sees it`);
    assert.match(textOf(await overview(bot)), new RegExp(CITIZEN.name), 'the organiser still does');

    // The invitee gets the meeting service's own cancellation; the mother's link is dead.
    const cancelled = await waitFor('Ole’s cancellation', () => cancellationOf(bot, OLE));
    assert.doesNotMatch(textOf(cancelled), /samtykke|trukket tilbage/i, 'no reason given');
    assert.ok([404, 410].includes((await fetch(motherLink)).status));
    const meetings = (await documentsOf(bot, 'meetings')) as Array<{ status: string }>;
    assert.deepEqual(meetings.map((m) => m.status), ['cancelled']);

    // Those who lost access are told the plan changed: the reference only, no name, no reason.
    const notice = await waitFor('Ole’s notice', () => cardsTo(bot, OLE).find((c) => /er ændret/.test(textOf(c))));
    assert.match(textOf(notice), /Planen KIP-[0-9A-Z]{4}-[0-9A-Z]{4} er ændret\. Du har ikke længere adgang til den\./);
    assert.doesNotMatch(textOf(notice), new RegExp(`${CITIZEN.name}|samtykke|consent`, 'i'));
    await waitFor('Kari’s notice', () => cardsTo(bot, KARI).find((c) => /ikke længere adgang/.test(textOf(c))));

    // Ole's old invitation now answers neutrally and shows nothing of the plan.
    const late = await bot.execute(OLE, 'invitation', actionData(invitationOf(bot, OLE), 'accept'));
    assert.match(textOf(late.card), /Mødet er aflyst/);
    assert.doesNotMatch(textOf(late.card), new RegExp(CITIZEN.name));
    const refresh = await bot.execute(OLE, 'invitation', actionData(invitationOf(bot, OLE), 'view'), 'da-DK', undefined, undefined, 'automatic');
    assert.doesNotMatch(textOf(refresh.card), new RegExp(CITIZEN.name));

    // Recorded like the consent itself, and audited with codes only.
    const withdrawal = (plan.consent as { withdrawals: Array<Record<string, unknown>> }).withdrawals[0]!;
    assert.deepEqual(withdrawal.scopes, ['shareWithNetwork']);
    assert.equal(withdrawal.method, 'verbal');
    assert.equal(withdrawal.on, today);
    assert.equal(withdrawal.note, 'Sagt i telefonen');
    assert.deepEqual(withdrawal.by, { userId: NINA.aadObjectId, name: NINA.name });
    const audit = (await documentsOf(bot, 'audit')) as Array<{ action: string; details?: Record<string, unknown> }>;
    const entry = audit.find((e) => e.action === 'plan.consentWithdrawn');
    assert.deepEqual(entry?.details, { scope: 'shareWithNetwork', method: 'verbal', full: false, removed: 2 });
    assert.doesNotMatch(JSON.stringify(audit), /Sagt i telefonen|Jens/);

    // A second "Ja" on the same card changes nothing more.
    const again = await press(bot, NINA, 'planLifecycle', confirm, 'withdrawConfirm');
    assert.match(textOf(again), /ikke længere aktuelt/);
    assert.equal((await storedPlan(bot)).version, plan.version);
  });

  it('"relatives": the relatives lose the plan, the meeting that invited them is cancelled, the professionals keep it', async () => {
    await callMeeting(bot);
    await waitFor('Kari’s invitation', () => invitationOf(bot, KARI));
    const form = await press(bot, NINA, 'planLifecycle', await overview(bot), 'withdrawForm');
    const confirm = await press(bot, NINA, 'planLifecycle', form, 'withdrawCheck', { scope: 'involveRelatives', method: 'written', on: today });
    assert.match(textOf(confirm), /mister adgang til planen: Kari Jensen\./);
    await press(bot, NINA, 'planLifecycle', confirm, 'withdrawConfirm');
    assert.deepEqual((await storedPlan(bot)).memberIds.sort(), [NINA.aadObjectId, OLE.aadObjectId].sort());
    assert.match(textOf(await myPlans(bot, KARI)), /ikke med i nogen planer/);
    assert.match(textOf(await overview(bot, OLE)), new RegExp(CITIZEN.name));
    await waitFor('Kari’s cancellation', () => cancellationOf(bot, KARI));
    await waitFor('Ole’s cancellation', () => cancellationOf(bot, OLE));
    // Ole is told the plan changed (he still sees it); Kari that she no longer has access.
    await waitFor('Ole’s notice', () => cardsTo(bot, OLE).find((c) => /er ændret\. Se den under "mine planer"/.test(textOf(c))));
    await waitFor('Kari’s notice', () => cardsTo(bot, KARI).find((c) => /ikke længere adgang/.test(textOf(c))));
    // A new meeting invites only whom the consent still covers.
    const organiser = await callMeeting(bot);
    assert.doesNotMatch(textOf(organiser), new RegExp(`Kari Jensen|${MOTHER.name}`));
  });

  it('"all": the plan is locked – only the organiser sees it, and every button answers that it is locked', async () => {
    // "Indkald til møde" is on the card from before the meeting was called (afterwards the card opens the meeting).
    const before = await overview(bot);
    await callMeeting(bot);
    const card = await overview(bot);
    const form = await press(bot, NINA, 'planLifecycle', card, 'withdrawForm');
    const confirm = await press(bot, NINA, 'planLifecycle', form, 'withdrawCheck', { scope: 'all', method: 'verbal', on: today });
    assert.match(textOf(confirm), /Planen låses/);
    assert.match(textOf(confirm), /Planen slettes/);
    const yes = await press(bot, NINA, 'planLifecycle', confirm, 'withdrawConfirm');
    assert.match(textOf(yes), /Samtykket er trukket tilbage\. Planen er låst/);
    assert.match(textOf(yes), /Planen er låst, fordi samtykket er trukket tilbage/, 'the next step says so');
    assert.deepEqual((await storedPlan(bot)).memberIds, [NINA.aadObjectId]);
    await waitFor('Ole’s cancellation', () => cancellationOf(bot, OLE));
    const stored = await documentsOf(bot, 'plans');
    for (const action of ['prepare', 'organiserView', 'withdrawForm', 'closeForm']) {
      const verb = action === 'prepare' || action === 'organiserView' ? 'meeting' : 'planLifecycle';
      const answer = await bot.execute(NINA, verb, actionData(action === 'prepare' ? before : card, action));
      assert.match(textOf(answer.card), /Planen er låst, fordi samtykket er trukket tilbage\. Intet er ændret\./, action);
    }
    assert.deepEqual(await documentsOf(bot, 'plans'), stored);
  });
});
