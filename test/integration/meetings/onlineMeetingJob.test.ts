/**
 * Nothing fallible inside a click: with Graph configured but not answering,
 * the organiser's click that schedules a virtual meeting answers at once; the
 * Teams meeting is created later by a durable job, and only then do the
 * invitations go out, with its join link.
 */
import { strict as assert } from 'node:assert';
import { staticTokenProvider } from '../../../src/platform/graph/tokenProvider';
import { FAKE_GRAPH_TOKEN, FAKE_TENANT_ID, FakeGraph } from '../../support/fakeGraph';
import { NINA, OLE, TestBot, actionData, cardsOf, textOf, walkGuide } from '../../support/testBot';
import { waitFor } from '../../support/planScenario';

const future = new Date(Date.now() + 10 * 86_400_000).toISOString().slice(0, 10);
const today = new Date().toISOString().slice(0, 10);
type Card = Record<string, unknown>;

describe('the Teams meeting is created by a job, never inside the click', function () {
  this.timeout(60_000);
  let graph: FakeGraph;
  let bot: TestBot;

  beforeEach(async () => {
    graph = new FakeGraph();
    await graph.start();
    bot = await new TestBot(undefined, {
      env: { GRAPH_TENANT_ID: FAKE_TENANT_ID, GRAPH_CLIENT_ID: '00000000-0000-4000-8000-0000000000aa', GRAPH_CLIENT_SECRET: 'test-secret', GRAPH_BASE_URL: graph.baseUrl },
      overrides: { graphTokens: staticTokenProvider(FAKE_GRAPH_TOKEN) },
    }).start();
    bot.connector.members.set(`29:${OLE.aadObjectId}`, { id: `29:${OLE.aadObjectId}`, name: OLE.name, aadObjectId: OLE.aadObjectId, email: 'ole@slagelse.example', userPrincipalName: 'ole@slagelse.example' });
    await walkGuide(bot, NINA, {
      consent: { status: 'given', method: 'written', obtainedOn: today, yourRole: 'Sygeplejerske', yourOrganisation: 'Psykiatrien Vest', yourSector: 'regionPsychiatry', covers: 'shareWithNetwork,coordinationMeetings' },
      citizen: { name: 'Jens Jensen', dateOfBirth: '1990-04-12', preferredLanguage: 'da', dreams: 'Et arbejde' },
      contacts: [{ name: 'Ole Bostøtte', role: 'Kontaktperson', sector: 'municipality', email: 'ole@slagelse.example' }],
    });
    await bot.joinNetwork(OLE);
  });
  afterEach(async () => {
    await bot.stop();
    await graph.stop();
  });

  async function scheduleVirtual(): Promise<{ card: Card; ms: number }> {
    const [overview] = cardsOf(await bot.say(NINA, 'mine planer'));
    const form = (await bot.execute(NINA, 'meeting', actionData(overview, 'prepare'))).card as Card;
    const started = Date.now();
    const answer = await bot.execute(NINA, 'meeting', {
      ...actionData(form, 'schedule'), date: future, time: '10:00', durationMinutes: '60', mode: 'virtual', joinUrl: '', place: '', agenda: 'Velkomst',
    });
    return { card: answer.card as Card, ms: Date.now() - started };
  }

  const invitationToOle = () =>
    cardsOf(bot.connector.sent.filter((s) => s.conversationId === `a:personal-${OLE.aadObjectId}`)).find((c) => /inviteret/.test(textOf(c)));

  it('a Graph that does not answer: the click answers at once, the meeting is created later, then the invitations go out with its link', async () => {
    graph.delayNext(8_000);
    const { card, ms } = await scheduleVirtual();
    // Graph hangs for 8 s: a click that waited for it could not answer before then (Teams gives up after ~15 s).
    assert.ok(ms < 5_000, `the click answered after ${ms} ms`);
    assert.match(textOf(card), /Oprettes nu/, 'the organiser is told the Teams meeting is on its way');
    assert.equal(invitationToOle(), undefined, 'no invitation without the link');

    const invitation = await waitFor('Ole’s invitation with the join link', () => {
      const c = invitationToOle();
      return c && /teams\.microsoft\.com|Deltag i mødet/.test(JSON.stringify(c)) ? c : undefined;
    }, 20_000);
    assert.ok(invitation);
    assert.equal(graph.allMeetings().length, 1, 'one Teams meeting');
    assert.ok(graph.requests.filter((r) => r.method === 'POST').length >= 1);
  });

  it('a Graph that keeps failing: retried by the job, the click is never the one that waits', async () => {
    graph.failNext(1, 503, { retryAfter: '0' });
    const { ms } = await scheduleVirtual();
    assert.ok(ms < 5_000, `the click answered after ${ms} ms`);
    await waitFor('the meeting created after the retry', () => (graph.allMeetings().length === 1 ? true : undefined), 45_000);
  });
});
