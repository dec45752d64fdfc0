/**
 * When Samspil creates the Teams meeting through Graph, it keeps the meeting
 * chat's id (chatInfo.threadId) on the coordination meeting and installs
 * itself in that chat as a durable job of its own, against the local Graph
 * fake: once per meeting, 409 "already installed" is done, 429 is retried
 * after Retry-After, 403 ends the job without retrying.
 */
import { strict as assert } from 'node:assert';
import type { CoordinationMeeting } from '../../../src/meetings/domain/meeting';
import { CHAT_INSTALL_KIND } from '../../../src/meetings/notify/chatInstallJobs';
import { staticTokenProvider } from '../../../src/platform/graph/tokenProvider';
import { jobId } from '../../../src/platform/scheduler/job';
import { FAKE_GRAPH_TOKEN, FAKE_TENANT_ID, FakeGraph } from '../../support/fakeGraph';
import { waitFor } from '../../support/planScenario';
import { NINA, OLE, TestBot, actionData, cardsOf, walkGuide } from '../../support/testBot';

const CATALOG_ID = '5b7e1c3a-9d2f-4e6a-8b1c-0a9f8e7d6c5b';
const future = new Date(Date.now() + 10 * 86_400_000).toISOString().slice(0, 10);
const today = new Date().toISOString().slice(0, 10);
type Card = Record<string, unknown>;

describe('Samspil joins the chat of the Teams meeting it creates (Graph, durable job)', function () {
  this.timeout(60_000);
  let graph: FakeGraph;
  let bot: TestBot;

  async function start(catalogId: string | null = CATALOG_ID): Promise<void> {
    graph = new FakeGraph();
    await graph.start();
    bot = await new TestBot(undefined, {
      env: {
        GRAPH_TENANT_ID: FAKE_TENANT_ID, GRAPH_CLIENT_ID: '00000000-0000-4000-8000-0000000000aa', GRAPH_CLIENT_SECRET: 'test-secret', GRAPH_BASE_URL: graph.baseUrl,
        ...(catalogId ? { TEAMS_APP_CATALOG_ID: catalogId } : {}),
      },
      overrides: { graphTokens: staticTokenProvider(FAKE_GRAPH_TOKEN) },
    }).start();
    bot.connector.members.set(`29:${OLE.aadObjectId}`, { id: `29:${OLE.aadObjectId}`, name: OLE.name, aadObjectId: OLE.aadObjectId, email: 'ole@slagelse.example', userPrincipalName: 'ole@slagelse.example' });
    await walkGuide(bot, NINA, {
      consent: { status: 'given', method: 'written', obtainedOn: today, yourRole: 'Sygeplejerske', yourOrganisation: 'Psykiatrien Vest', yourSector: 'regionPsychiatry', covers: 'shareWithNetwork,coordinationMeetings' },
      citizen: { name: 'Jens Jensen', dateOfBirth: '1990-04-12', preferredLanguage: 'da', dreams: 'Et arbejde' },
      contacts: [{ name: 'Ole Bostøtte', role: 'Kontaktperson', sector: 'municipality', email: 'ole@slagelse.example' }],
    });
    await bot.joinNetwork(OLE);
  }
  afterEach(async () => {
    await bot.stop();
    await graph.stop();
  });

  async function scheduleVirtual(): Promise<void> {
    const [overview] = cardsOf(await bot.say(NINA, 'mine planer'));
    const form = (await bot.execute(NINA, 'meeting', actionData(overview, 'prepare'))).card as Card;
    const answer = await bot.execute(NINA, 'meeting', {
      ...actionData(form, 'schedule'), date: future, time: '10:00', durationMinutes: '60', mode: 'virtual', joinUrl: '', place: '', agenda: 'Velkomst',
    });
    assert.equal(answer.status, 200);
  }

  const meetingWithChat = () =>
    waitFor('the meeting with its chat id', async () => {
      const all = await bot.bot!.store.containers.meetings!.items.query<CoordinationMeeting>('SELECT * FROM c').fetchAll();
      return all.resources.find((m) => m.chatId);
    }, 20_000);
  const installs = () => graph.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/installedApps'));
  const installJob = async (m: CoordinationMeeting) => bot.bot!.jobs.get(jobId(CHAT_INSTALL_KIND, m.tenantId, `${m.id}:${m.chatId}`));
  const ended = (m: CoordinationMeeting) =>
    waitFor('the install job ended', async () => {
      const job = await installJob(m);
      return job && (job.status === 'done' || job.status === 'failed') ? job : undefined;
    }, 20_000);

  it('keeps chatInfo.threadId as the meeting’s chatId and installs the app there once, with the RSC consent', async () => {
    await start();
    await scheduleVirtual();
    const meeting = await meetingWithChat();
    const threadId = (graph.allMeetings()[0]!.chatInfo as { threadId: string }).threadId;
    assert.equal(meeting.chatId, threadId);
    assert.equal((await ended(meeting)).status, 'done');
    assert.equal(installs().length, 1);
    const request = installs()[0]!;
    assert.equal(request.path, `/v1.0/chats/${encodeURIComponent(threadId)}/installedApps`);
    assert.deepEqual(request.body, {
      'teamsApp@odata.bind': `https://graph.microsoft.com/v1.0/appCatalogs/teamsApps/${CATALOG_ID}`,
      consentedPermissionSet: {
        resourceSpecificPermissions: [
          { permissionValue: 'OnlineMeeting.ReadBasic.Chat', permissionType: 'application' },
          { permissionValue: 'OnlineMeetingParticipant.Read.Chat', permissionType: 'application' },
        ],
      },
    });
    assert.deepEqual([...(graph.installedApps.get(threadId) ?? [])], [CATALOG_ID]);
    await new Promise((r) => setTimeout(r, 1000));
    assert.equal(installs().length, 1, 'once per meeting');
  });

  it('409 "already installed" (a leader added Samspil first, or a lost answer) is done', async () => {
    await start();
    graph.preinstalled.add(CATALOG_ID);
    await scheduleVirtual();
    const meeting = await meetingWithChat();
    const job = await ended(meeting);
    assert.equal(job.status, 'done');
    assert.equal(job.attempts, 1);
    assert.equal(installs().length, 1);
  });

  it('429 with Retry-After is waited for and retried; the app is installed once', async () => {
    await start();
    graph.failNextInstall(2, 429, { retryAfter: '1' });
    await scheduleVirtual();
    const meeting = await meetingWithChat();
    const job = await ended(meeting);
    assert.equal(job.status, 'done');
    const [first, second, third] = installs();
    assert.equal(installs().length, 3, 'two throttled, the third installs');
    assert.ok(second!.at - first!.at >= 950 && third!.at - second!.at >= 950, 'not before Retry-After');
    assert.deepEqual([...graph.installedApps.get(meeting.chatId!)!], [CATALOG_ID]);
  });

  for (const [status, why] of [[403, 'permission or policy missing'], [404, 'no such chat']] as const) {
    it(`${status} (${why}) ends the job at once: retrying cannot mend it`, async () => {
      await start();
      graph.failNextInstall(1, status);
      await scheduleVirtual();
      const job = await ended(await meetingWithChat());
      assert.equal(job.status, 'failed');
      assert.equal(job.attempts, 1);
      assert.equal(installs().length, 1);
    });
  }

  it('without TEAMS_APP_CATALOG_ID the chat id is kept and nothing is installed', async () => {
    await start(null);
    await scheduleVirtual();
    const meeting = await meetingWithChat();
    await new Promise((r) => setTimeout(r, 500));
    assert.equal(installs().length, 0);
    assert.equal(await installJob(meeting), undefined);
  });
});
