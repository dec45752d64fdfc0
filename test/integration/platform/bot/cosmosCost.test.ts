/**
 * What an action costs in Cosmos, counted at the activity level: every HTTP
 * request the bot makes to the (embedded) Cosmos server while it handles one
 * activity (test/support/cosmosRequests.ts). A list that went back to reading
 * every plan, or to one query per plan shown, fails here, not only in the bench.
 *
 * "Round trips" leave out the query-plan request @azure/cosmos sends beside
 * every query, at the same time (see summarise()): the requests are listed in
 * full in the failure message.
 */
import { strict as assert } from 'node:assert';
import { CosmosPlanStore } from '../../../../src/plans/storage/planRepository';
import { CosmosRequest, CosmosRequestLog, summarise } from '../../../support/cosmosRequests';
import type { SentActivity } from '../../../support/fakeConnector';
import { NINA, OLE, TestBot, actionData, cardsOf, textOf, walkGuide } from '../../../support/testBot';
import { samplePlan, uuidOf } from '../../../unit/fixtures';

const today = new Date().toISOString().slice(0, 10);
const future = new Date(Date.now() + 10 * 86_400_000).toISOString().slice(0, 10);
const CONSENT = { status: 'given', method: 'written', obtainedOn: today, covers: 'shareWithNetwork,coordinationMeetings', yourRole: 'Sygeplejerske', yourOrganisation: 'Psykiatrien', yourSector: 'regionPsychiatry' };
const citizen = (name: string) => ({ name, dateOfBirth: '1990-04-12', preferredLanguage: 'da', dreams: 'Et arbejde' });

const roundTrips = (requests: CosmosRequest[]) => requests.filter((r) => r.kind !== 'queryPlan');
const describeAll = (requests: CosmosRequest[]) => `${roundTrips(requests).length} round trips: ${summarise(requests)}`;

/**
 * A repeated list's cost: one plans query, one meetings query, and nothing
 * for the looks – each plan shown was looked at and recorded by this process
 * less than a window (15 min) ago, which the audit trail remembers
 * (src/platform/audit/auditTrail.ts); a first look is an entry (tested below).
 */
function assertListCost(requests: CosmosRequest[]): void {
  const trips = roundTrips(requests);
  assert.deepEqual(trips.map((r) => `${r.container} ${r.kind}`).sort(), ['meetings query', 'plans query'], describeAll(requests));
}

describe('Cosmos requests per action, at the activity level (real bot, embedded Cosmos)', function () {
  this.timeout(60_000);
  let bot: TestBot;
  const log = new CosmosRequestLog();

  before(async () => {
    log.start();
    bot = await new TestBot().start();
    // Teams knows both users' addresses, as in production: "mine planer" looks for plans that list them.
    for (const [user, email] of [[NINA, 'nina@psykiatri.example'], [OLE, 'ole@slagelse.example']] as const) {
      bot.connector.members.set(`29:${user.aadObjectId}`, { id: `29:${user.aadObjectId}`, name: user.name, aadObjectId: user.aadObjectId, email, userPrincipalName: email });
    }
    await walkGuide(bot, NINA, {
      consent: CONSENT,
      citizen: citizen('Jens Jensen'),
      contacts: [{ name: 'Ole Bostøtte', role: 'Kontaktperson', sector: 'municipality', email: 'ole@slagelse.example' }],
    });
    await bot.joinNetwork(OLE); // Ole confirms he is the contact listed with his address, so he is invited in Teams
  });
  after(async () => {
    await bot.stop();
    log.stop();
  });

  it('help asks Cosmos nothing once the chat is known', async () => {
    await bot.say(NINA, 'hjælp');
    const requests = await log.one(() => bot.say(NINA, 'hjælp'));
    assert.deepEqual(requests, [], describeAll(requests));
  });

  it('a guide step is one conditional write and one audit entry: the draft this process wrote last needs no read (≤ 2)', async () => {
    const [consent] = cardsOf(await bot.say(NINA, 'ny plan'));
    log.start(); // started twice (the bench asks per phase): each request still counted once
    const requests = await log.one(() => bot.execute(NINA, 'guide', { ...actionData(consent, 'consent'), ...CONSENT }));
    assert.deepEqual(requests.map((r) => `${r.container} ${r.kind}`), ['drafts write', 'audit write'], describeAll(requests));
    assert.ok(requests.every((r) => r.partitionKey), 'every request names its partition');
  });

  it('a stale guide card reads the stored draft before it says so (a refusal never rests on the cached copy)', async () => {
    const [consent] = cardsOf(await bot.say(NINA, 'ny plan'));
    await bot.execute(NINA, 'guide', { ...actionData(consent, 'consent'), ...CONSENT });
    const requests = await log.one(() => bot.execute(NINA, 'guide', { ...actionData(consent, 'consent'), ...CONSENT }));
    assert.deepEqual(requests.map((r) => `${r.container} ${r.kind}`), ['drafts read', 'audit write'], describeAll(requests));
  });

  it('"mine planer" with one plan: the plans, their meetings, the look (audited) – single-partition, no outbox', async () => {
    await bot.say(NINA, 'mine planer'); // after a create, the first list also checks for a plan left pending
    const requests = await log.one(() => bot.say(NINA, 'mine planer'));
    assertListCost(requests);
    assert.ok(requests.filter((r) => r.kind === 'query').every((r) => r.partitionKey), 'every query is scoped to the tenant');
  });

  it('"mine planer" asks Teams for the user’s address once, not on every list', async () => {
    await bot.say(NINA, 'mine planer');
    const before = bot.connector.memberLookups;
    await bot.say(NINA, 'mine planer');
    await bot.say(NINA, 'mine planer');
    assert.equal(bot.connector.memberLookups, before);
  });

  it('"mine planer" costs the same with a meeting called: its line needs no outbox lookup', async () => {
    const [overview] = cardsOf(await bot.say(NINA, 'mine planer'));
    const form = (await bot.execute(NINA, 'meeting', actionData(overview, 'prepare'))).card;
    const scheduled = await bot.execute(NINA, 'meeting', {
      ...actionData(form, 'schedule'), date: future, time: '10:00', durationMinutes: '90', mode: 'virtual', joinUrl: 'https://teams.microsoft.com/l/x', place: '', agenda: '1. Velkomst',
    });
    assert.equal(scheduled.status, 200);
    let cards: Record<string, unknown>[] = [];
    // Only Nina's chat: the outbox may deliver Ole's invitation meanwhile.
    const mine = (sent: SentActivity[]) => cardsOf(sent.filter((x) => x.conversationId === `a:personal-${NINA.aadObjectId}`));
    const requests = await log.one(async () => (cards = mine(await bot.say(NINA, 'mine planer'))));
    assert.match(textOf(cards[0]), /Koordinationsmøde[\s\S]*1 kommer · 0 afbud · 0 sender en anden · 1 mangler svar/, 'the card shows the meeting and its tally');
    assertListCost(requests);
  });

  it('"mine planer" with 10 plans among 40 in the tenant: still one plans query of at most 11 items, one meetings query', async () => {
    for (let i = 0; i < 9; i++) await walkGuide(bot, NINA, { consent: CONSENT, citizen: citizen(`Borger ${i}`), contacts: [{ name: 'Kontakt', role: 'Rolle', sector: 'municipality' }] });
    // Other people's plans in the same tenant partition, stored directly.
    const store = new CosmosPlanStore(bot.bot!.store.containers.plans!);
    for (let i = 0; i < 30; i++) await store.create({ ...samplePlan(), id: uuidOf(7000 + i), tenantId: NINA.tenantId, memberIds: [`someone-${i}`] });
    await bot.say(NINA, 'mine planer');
    let shown = 0;
    const requests = await log.one(async () => (shown = cardsOf((await bot.say(NINA, 'mine planer')).filter((x) => x.conversationId === `a:personal-${NINA.aadObjectId}`)).length));
    assert.equal(shown, 10);
    const trips = roundTrips(requests);
    const plansQueries = trips.filter((r) => r.container === 'plans');
    assert.equal(plansQueries.length, 1, describeAll(requests));
    assert.ok(plansQueries[0]!.items! <= 11, `the plans query returned ${plansQueries[0]!.items} items`);
    assertListCost(requests);
  });

  it('"mine planer" showing a plan not looked at yet records that look: the audit trail\'s reads and its entry', async () => {
    await walkGuide(bot, NINA, { consent: CONSENT, citizen: citizen('Ny Borger'), contacts: [{ name: 'Kontakt', role: 'Rolle', sector: 'municipality' }] });
    const requests = await log.one(() => bot.say(NINA, 'mine planer'));
    const audit = roundTrips(requests).filter((r) => r.container === 'audit').map((r) => r.kind);
    // The new plan: this window's entry and the previous window's looked for, then the entry; every other plan shown: nothing.
    assert.deepEqual(audit, ['read', 'read', 'write'], describeAll(requests));
  });

  it('an invitation answer reads only the plan: the meeting this process wrote last serves the conditional write (≤ 3)', async () => {
    const invitationOf = () => cardsOf(bot.connector.sent.filter((s) => s.conversationId === `a:personal-${OLE.aadObjectId}`))
      .find((c) => /inviteret til et koordinationsmøde/.test(textOf(c)));
    for (let waited = 0; !invitationOf() && waited < 8000; waited += 50) await new Promise((r) => setTimeout(r, 50));
    const invitation = invitationOf();
    assert.ok(invitation, 'Ole got his invitation');
    const requests = await log.one(() => bot.execute(OLE, 'invitation', actionData(invitation, 'accept')));
    const meetingRequests = roundTrips(requests).filter((r) => r.container === 'meetings').map((r) => r.kind);
    assert.deepEqual(meetingRequests, ['write'], describeAll(requests));
    // The plan (is it theirs, is the plan open – always read), the conditional write, the entry: the organiser's card is not the click's.
    assert.deepEqual(roundTrips(requests).map((r) => `${r.container} ${r.kind}`).sort(), ['audit write', 'meetings write', 'plans read'], describeAll(requests));
    // …and still follows: Nina's live card is updated in place with Ole's answer.
    for (let waited = 0; waited < 8000; waited += 50) {
      if (cardsOf(bot.connector.sent.filter((x) => x.method === 'PUT' && x.conversationId === `a:personal-${NINA.aadObjectId}`)).some((c) => /2 kommer · 0 afbud · 0 sender en anden · 0 mangler svar/.test(textOf(c)))) return;
      await new Promise((r) => setTimeout(r, 50));
    }
    assert.fail('the organiser card was not updated with the answer');
  });

  it('the same answer again reads the stored meeting before it says nothing changed (no write, no entry)', async () => {
    const invitation = cardsOf(bot.connector.sent.filter((s) => s.conversationId === `a:personal-${OLE.aadObjectId}`)).find((c) => /inviteret til et koordinationsmøde/.test(textOf(c)));
    const requests = await log.one(() => bot.execute(OLE, 'invitation', actionData(invitation!, 'accept')));
    assert.deepEqual(roundTrips(requests).map((r) => `${r.container} ${r.kind}`).sort(), ['meetings read', 'plans read'], describeAll(requests));
  });

  it('"Create plan": the draft won (write), the plan, the draft without the plan (write from the copy just written), two entries – no draft read', async () => {
    const review = await walkGuide(bot, NINA, { consent: CONSENT, citizen: citizen('Anna Andersen'), contacts: [{ name: 'Kontakt', role: 'Rolle', sector: 'municipality' }] }, false);
    const requests = await log.one(() => bot.execute(NINA, 'guide', actionData(review, 'create')));
    assert.deepEqual(requests.map((r) => `${r.container} ${r.kind}`).sort(), ['audit write', 'audit write', 'drafts write', 'drafts write', 'plans write'], describeAll(requests));
  });

  it("the answer's organiser-card update in the background: queued already claimed, applied – two outbox writes, no query, no read", async () => {
    const invitation = cardsOf(bot.connector.sent.filter((s) => s.conversationId === `a:personal-${OLE.aadObjectId}`)).find((c) => /inviteret til et koordinationsmøde/.test(textOf(c)));
    assert.ok(invitation, 'Ole got his invitation');
    const updated = (tally: RegExp) => cardsOf(bot.connector.sent.filter((x) => x.method === 'PUT' && x.conversationId === `a:personal-${NINA.aadObjectId}`)).some((c) => tally.test(textOf(c)));
    const waitFor = async (tally: RegExp) => {
      for (let waited = 0; !updated(tally) && waited < 8000; waited += 20) await new Promise((r) => setTimeout(r, 20));
      assert.ok(updated(tally), 'the organiser card shows the answer');
      await new Promise((r) => setTimeout(r, 100)); // the outcome's write follows the PUT
    };
    await waitFor(/2 kommer · 0 afbud/); // the previous test's answer, fully settled
    log.background.splice(0);
    await bot.execute(OLE, 'invitation', actionData(invitation, 'apologies'));
    await waitFor(/1 kommer · 1 afbud/);
    const outbox = log.background.filter((r) => r.container === 'outbox');
    assert.deepEqual(outbox.map((r) => r.kind), ['write', 'write'], describeAll(log.background));
  });
});
