/**
 * The acute line with Microsoft Graph (the local fake): the acute team as an
 * Entra group (checkMemberGroups), and team ownership from the team's member
 * list (roles: owner) – Teams' own member lookup never says "owner".
 */
import { strict as assert } from 'node:assert';
import { staticTokenProvider } from '../../../src/platform/graph/tokenProvider';
import { FAKE_GRAPH_TOKEN, FAKE_TENANT_ID, FakeGraph } from '../../support/fakeGraph';
import { NINA, OLE, TestBot, actionData, cardsOf, textOf } from '../../support/testBot';
import { PER, UNIT_CHANNEL, UNIT_TEAM, clickInChannel, sayInChannel } from '../../support/acuteScenario';

const ACUTE_GROUP = '0f0e0d0c-0000-4000-8000-0000000000ff';

describe('acute line with Graph: the acute team as an Entra group, team owners from Graph', function () {
  this.timeout(60_000);
  let graph: FakeGraph;
  let bot: TestBot;

  before(async () => {
    graph = new FakeGraph();
    await graph.start();
    graph.groupMembers.set(ACUTE_GROUP, new Set([NINA.aadObjectId]));
    graph.teamMembers.set(UNIT_TEAM.aadGroupId, [
      { userId: OLE.aadObjectId, displayName: OLE.name, roles: ['owner'] },
      { userId: PER.aadObjectId, displayName: PER.name, roles: [] },
    ]);
    bot = await new TestBot(undefined, {
      env: { GRAPH_TENANT_ID: FAKE_TENANT_ID, GRAPH_CLIENT_ID: '00000000-0000-4000-8000-0000000000aa', GRAPH_CLIENT_SECRET: 'test-secret', GRAPH_BASE_URL: graph.baseUrl, ACUTE_TEAM_GROUP_ID: ACUTE_GROUP },
      overrides: { graphTokens: staticTokenProvider(FAKE_GRAPH_TOKEN) },
    }).start();
    bot.connector.teamChannels.set(UNIT_TEAM.id, [{ id: UNIT_CHANNEL, name: 'Akut', type: 'standard' }]);
    for (const u of [OLE, PER]) bot.connector.members.set(`29:${u.aadObjectId}`, { id: `29:${u.aadObjectId}`, name: u.name, aadObjectId: u.aadObjectId, email: `${u.aadObjectId}@x.example`, userPrincipalName: `${u.aadObjectId}@x.example` });
  });
  after(async () => {
    await bot.stop();
    await graph.stop();
  });

  it('only a team owner (Graph: roles owner) registers the channel; a plain member is refused', async () => {
    const refused = cardsOf(await sayInChannel(bot, PER, 'akutkanal', UNIT_CHANNEL, { type: 'standard' }));
    assert.match(textOf(refused[0]), /Kun teamets ejere/);
    const [form] = cardsOf(await sayInChannel(bot, OLE, 'akutkanal', UNIT_CHANNEL, { type: 'standard' }));
    const done = await clickInChannel(bot, OLE, 'acute', { ...actionData(form, 'register'), name: 'Bostedet Lyngen', escalationMinutes: '' }, UNIT_CHANNEL);
    assert.match(textOf(done.card), /registreret som akutkanal/);
    const asked = graph.requests.filter((r) => r.path === `/v1.0/teams/${UNIT_TEAM.aadGroupId}/members`);
    assert.ok(asked.length >= 2, 'asked Graph for each check');
  });

  it('only members of the Entra group post (POST /users/{id}/checkMemberGroups)', async () => {
    assert.match(textOf(cardsOf(await bot.say(OLE, 'akut'))[0]), /Kun akutteamet/);
    assert.match(textOf(cardsOf(await bot.say(NINA, 'akut'))[0]), /Akut besked til bosteder[\s\S]*Bostedet Lyngen/);
    const checks = graph.requests.filter((r) => r.path.endsWith('/checkMemberGroups'));
    assert.deepEqual(checks.map((r) => r.body), [{ groupIds: [ACUTE_GROUP] }, { groupIds: [ACUTE_GROUP] }]);
    // Asked again within two minutes: the answer is reused.
    await bot.say(NINA, 'akut');
    assert.equal(graph.requests.filter((r) => r.path.endsWith('/checkMemberGroups')).length, 2);
  });
});
