/**
 * The acute line's endpoint through the whole bot: startBot with the endpoint
 * on (its routes registered by the acute capability), the real posting service
 * over the embedded Cosmos store and the outbox, a unit's acute channel
 * registered in Teams, and tokens signed by a local key served as the tenant's
 * keys. A post arrives in the unit's channel once, however often it is
 * replayed; an acknowledgement in Teams shows in GET; a refused token posts nothing.
 */
import { strict as assert } from 'node:assert';
import { CosmosAuditLog } from '../../../../src/platform/audit/auditRepository';
import { NINA, OLE, TENANT, TestBot, actionData, cardsOf, textOf } from '../../../support/testBot';
import { ACUTE_NURSES, ACUTE_TEAM_CHANNEL, PER, UNIT_CHANNEL, UNIT_TEAM, clickInChannel, sayInChannel, waitUntil } from '../../../support/acuteScenario';
import { API_CLIENT_ID, CALLER_APP_ID, ENTRA_TENANT, FakeEntraKeys, TokenOptions } from '../../../support/fakeEntraKeys';

describe('acute endpoint through the bot and the real posting service', function () {
  this.timeout(60_000);
  let keys: FakeEntraKeys;
  let bot: TestBot;
  let unitId = '';

  before(async () => {
    assert.equal(ENTRA_TENANT, TENANT, 'the token tenant is the Teams tenant');
    keys = await new FakeEntraKeys().start();
    bot = await new TestBot(undefined, {
      env: { ACUTE_TEAM_CHANNEL_ID: ACUTE_TEAM_CHANNEL, ACUTE_API_AUDIENCE: API_CLIENT_ID, ACUTE_API_JWKS_URL: keys.jwksUrl, ALLOWED_TENANT_IDS: TENANT },
    }).start();
    bot.connector.conversationMembers.set(ACUTE_TEAM_CHANNEL, new Set([NINA, ...ACUTE_NURSES].map((u) => `29:${u.aadObjectId}`)));
    // Teams knows Ole (the unit team's owner, locally without Graph: any member) and Per.
    for (const u of [OLE, PER]) bot.connector.members.set(`29:${u.aadObjectId}`, { id: `29:${u.aadObjectId}`, name: u.name, aadObjectId: u.aadObjectId, email: `${u.aadObjectId}@lyngen.example`, userPrincipalName: `${u.aadObjectId}@lyngen.example` });
    bot.connector.teamChannels.set(UNIT_TEAM.id, [{ id: UNIT_TEAM.id, name: 'General' }, { id: UNIT_CHANNEL, name: 'Akut' }]);
    const [form] = cardsOf(await sayInChannel(bot, OLE, 'akutkanal', UNIT_CHANNEL));
    const done = await clickInChannel(bot, OLE, 'acute', { ...actionData(form, 'register'), name: 'Bostedet Lyngen', escalationMinutes: '10' }, UNIT_CHANNEL);
    assert.match(textOf(done.card), /registreret som akutkanal/);
    unitId = String(actionData(cardsOf(await sayInChannel(bot, OLE, 'akutkanaler', UNIT_CHANNEL))[0], 'remove').unitId);
  });
  after(async () => {
    await bot.stop();
    await keys.stop();
  });

  const channelPosts = () => bot.connector.sent.filter((s) => s.method === 'POST' && s.conversationId === UNIT_CHANNEL);
  const api = `/api/acute/messages`;
  async function post(key: string, body: unknown, tokenOptions: TokenOptions = {}) {
    const res = await fetch(`${bot.url}${api}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${await keys.token(tokenOptions)}`, 'idempotency-key': key, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return { status: res.status, json: (await res.json()) as Record<string, unknown>, location: res.headers.get('location') };
  }

  it('posts to the unit’s channel once for a replayed key; the acknowledgement in Teams shows in GET; audited', async () => {
    const body = { units: [unitId], text: 'Akutlinjen: ring tilbage om aftenens medicin', urgency: 'urgent', reference: 'KIP-7K3M-Q2XD' };
    const first = await post('phone-case-4711', body);
    assert.equal(first.status, 202);
    const id = String(first.json.id);
    assert.equal(first.location, `${api}/${id}`);
    const again = await post('phone-case-4711', body);
    assert.deepEqual([again.status, again.json.id], [202, id]);
    await waitUntil('the channel post', () => channelPosts().some((s) => /ring tilbage om aftenens medicin/.test(textOf(s.activity.attachments?.[0]?.content))));
    await new Promise((r) => setTimeout(r, 300));
    const posts = channelPosts().filter((s) => /ring tilbage om aftenens medicin/.test(textOf(s.activity.attachments?.[0]?.content)));
    assert.equal(posts.length, 1, 'one post for the replayed key');
    const card = posts[0]!.activity.attachments![0]!.content as Record<string, unknown>;
    assert.match(textOf(card), /KIP-7K3M-Q2XD/);

    const taken = await clickInChannel(bot, PER, 'acute', actionData(card, 'take'), UNIT_CHANNEL);
    assert.match(textOf(taken.card), /Taget af Per Nattevagt/);
    const res = await fetch(`${bot.url}${api}/${id}`, { headers: { authorization: `Bearer ${await keys.token({ roles: ['Acute.Read'] })}` } });
    assert.equal(res.status, 200);
    const status = (await res.json()) as { id: string; urgency: string; units: { unitId: string; unitName: string; acknowledgements: { by: string; kind: string; at: string }[] }[] };
    assert.deepEqual([status.id, status.urgency, status.units.length, status.units[0]!.unitId, status.units[0]!.unitName], [id, 'urgent', 1, unitId, 'Bostedet Lyngen']);
    assert.deepEqual(status.units[0]!.acknowledgements.map((a) => [a.by, a.kind]), [['Per Nattevagt', 'taken']]);
    assert.ok(!JSON.stringify(status).includes('medicin'), 'the status carries no text');

    const trail = await new CosmosAuditLog(bot.bot!.store.containers.audit!).listForPlan(TENANT, `acute:${id}`);
    const actions = trail.map((e) => e.action);
    assert.equal(actions.filter((a) => a === 'acuteApi.posted').length, 1);
    assert.ok(actions.includes('acute.posted'), 'the service records the post too');
    assert.ok(actions.includes('acuteApi.read'));
    assert.ok(trail.filter((e) => e.action === 'acuteApi.posted').every((e) => e.actorId === `app:${CALLER_APP_ID}`));
  });

  it('a token without the role, or unsigned, posts nothing to any channel; an unknown unit is a 422', async () => {
    const before = channelPosts().length;
    assert.equal((await post('k-norole', { units: 'all', text: 'Uden rolle', urgency: 'info' }, { roles: [] })).status, 403);
    const unsigned = await fetch(`${bot.url}${api}`, { method: 'POST', headers: { authorization: `Bearer ${await keys.unsigned()}`, 'idempotency-key': 'k-none', 'content-type': 'application/json' }, body: JSON.stringify({ units: 'all', text: 'Usigneret', urgency: 'info' }) });
    assert.equal(unsigned.status, 401);
    const unknown = await post('k-unknown', { units: ['no-such-unit'], text: 'Ukendt', urgency: 'info' });
    assert.deepEqual([unknown.status, unknown.json.code, unknown.json.units], [422, 'unknownUnits', ['no-such-unit']]);
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(channelPosts().length, before);
    assert.equal((await fetch(`${bot.url}${api}/no-such-id`, { headers: { authorization: `Bearer ${await keys.token()}` } })).status, 404);
  });
});
