/**
 * Only Teams, only the tenants on the allow-list: an authenticated activity from
 * another tenant or channel is refused at the edge, audited, and changes nothing
 * else (every document in every container is compared before and after).
 */
import assert from 'node:assert/strict';
import { actionData, cardsOf, NINA, TENANT, TestBot, TestUser, textOf } from '../../../support/testBot';
import { FakeBotFrameworkIssuer } from '../../../support/fakeBotFrameworkAuth';
import { EDGE_REFUSALS } from '../../../../src/platform/http/accessGate';
import type { AuditEntry } from '../../../../src/platform/audit/audit';

const OTHER_TENANT = 'bbbbbbbb-0000-4000-8000-000000000002';
const STRANGER: TestUser = { aadObjectId: '00000000-0000-4000-8000-00000000d004', name: 'Fremmed Bruger', tenantId: OTHER_TENANT };

/** Every document of every container, as "container/id@etag". */
async function everything(bot: TestBot): Promise<Map<string, Record<string, unknown>>> {
  const out = new Map<string, Record<string, unknown>>();
  for (const [name, container] of Object.entries(bot.bot!.store.containers)) {
    const { resources } = await container.items.readAll<Record<string, unknown> & { id: string; _etag: string }>().fetchAll();
    for (const doc of resources) out.set(`${name}/${doc.id}@${doc._etag}`, doc);
  }
  return out;
}

/** Runs `act` and returns the documents it added; fails if it changed or removed any. */
async function added(bot: TestBot, act: () => Promise<void>): Promise<Array<[string, Record<string, unknown>]>> {
  const before = await everything(bot);
  await act();
  const after = await everything(bot);
  for (const key of before.keys()) assert.ok(after.has(key), `${key} was changed or removed`);
  return [...after].filter(([key]) => !before.has(key));
}

/** Asserts that exactly one document was added: the refusal's audit entry. Returns it. */
function onlyTheRefusal(docs: Array<[string, Record<string, unknown>]>): AuditEntry {
  assert.deepEqual(docs.map(([key]) => key.split('/')[0]), ['audit'], `only an audit entry was written: ${docs.map(([k]) => k).join(', ')}`);
  const entry = docs[0]![1] as unknown as AuditEntry;
  assert.equal(entry.planId, EDGE_REFUSALS);
  assert.equal(entry.action, 'access.refused');
  return entry;
}

describe('the edge serves only Teams and the allowed tenants', function () {
  this.timeout(30_000);
  let issuer: FakeBotFrameworkIssuer;
  let bot: TestBot;

  before(async () => {
    issuer = await new FakeBotFrameworkIssuer().start();
    bot = await new TestBot(undefined, { issuer, env: { ALLOWED_TENANT_IDS: TENANT } }).start();
  });
  after(async () => {
    await bot.stop();
    await issuer.stop();
  });

  it('serves a user of an allowed tenant (the control case)', async () => {
    const [card] = cardsOf(await bot.say(NINA, 'ny plan'));
    assert.match(textOf(card), /Samtykke/);
  });

  it('refuses a message from a tenant not on the allow-list with 403, audited, changing nothing', async () => {
    const sentBefore = bot.connector.sent.length;
    let res: { status: number; body: unknown } | undefined;
    const docs = await added(bot, async () => {
      res = await bot.post({ ...bot.activityFrom(STRANGER), type: 'message', text: 'ny plan' });
    });
    assert.equal(res!.status, 403);
    assert.deepEqual(res!.body, { error: 'forbidden' });
    assert.equal(bot.connector.sent.length, sentBefore, 'no reply');
    const entry = onlyTheRefusal(docs);
    assert.equal(entry.tenantId, OTHER_TENANT);
    assert.equal(entry.actorId, STRANGER.aadObjectId);
    assert.deepEqual(entry.details, { reason: 'tenant', check: 'notAllowed', activityType: 'message' });
  });

  it('answers a card action from another tenant with an error that keeps the card, audited, changing nothing', async () => {
    let answer: Awaited<ReturnType<TestBot['execute']>> | undefined;
    const docs = await added(bot, async () => {
      answer = await bot.execute(STRANGER, 'cmd', { command: 'newPlan', from: 'welcome' });
    });
    assert.deepEqual(answer!.raw, { statusCode: 403, type: 'application/vnd.microsoft.error', value: { code: 'Forbidden', message: 'forbidden' } });
    assert.deepEqual(onlyTheRefusal(docs).details, { reason: 'tenant', check: 'notAllowed', activityType: 'invoke' });
  });

  it('does not greet an installation in another tenant, nor remember its chat', async () => {
    const sentBefore = bot.connector.sent.length;
    const docs = await added(bot, async () => {
      await bot.installedBy(STRANGER);
    });
    assert.equal(bot.connector.sent.length, sentBefore, 'no welcome card');
    assert.equal(onlyTheRefusal(docs).details?.activityType, 'conversationUpdate');
  });

  it('refuses a webchat activity (a key endorsed for webchat) with 403, audited as the channel', async () => {
    const activity = { ...bot.activityFrom(NINA), channelId: 'webchat', type: 'message', text: 'ny plan' };
    let status = 0;
    const docs = await added(bot, async () => {
      const token = issuer.token(bot.serviceUrl, {}, { key: issuer.webchatKey });
      status = (await bot.postRaw(JSON.stringify(activity), { 'content-type': 'application/json', authorization: `Bearer ${token}` })).status;
    });
    assert.equal(status, 403);
    const entry = onlyTheRefusal(docs);
    assert.deepEqual(entry.details, { reason: 'channel', activityType: 'message' });
    assert.equal(entry.actorId, NINA.aadObjectId);
  });

  for (const [name, tenants] of [
    ['Teams says an allowed tenant, conversation.tenantId another', { channelData: TENANT, conversation: OTHER_TENANT }],
    ['conversation.tenantId says an allowed tenant, Teams another', { channelData: OTHER_TENANT, conversation: TENANT }],
  ] as const) {
    it(`refuses when the tenant fields disagree: ${name}`, async () => {
      const base = bot.activityFrom(NINA);
      const activity = { ...base, type: 'message', text: 'mine planer', channelData: { tenant: { id: tenants.channelData } }, conversation: { ...base.conversation, tenantId: tenants.conversation } };
      let status = 0;
      const docs = await added(bot, async () => {
        status = (await bot.post(activity)).status;
      });
      assert.equal(status, 403);
      assert.deepEqual(onlyTheRefusal(docs).details, { reason: 'tenant', check: 'mismatch', activityType: 'message' });
    });
  }

  it('never takes the tenant from conversation.tenantId alone', async () => {
    const base = bot.activityFrom(NINA);
    const activity = { ...base, type: 'message', text: 'mine planer', channelData: { source: 'x' } };
    let status = 0;
    const docs = await added(bot, async () => {
      status = (await bot.post(activity)).status;
    });
    assert.equal(status, 403);
    assert.deepEqual(onlyTheRefusal(docs).details, { reason: 'tenant', check: 'missing', activityType: 'message' });
  });

  it('audits a retried refused activity once', async () => {
    const activity = { ...bot.activityFrom(STRANGER), id: 'retried-activity-1', type: 'message', text: 'ny plan' };
    const docs = await added(bot, async () => {
      assert.equal((await bot.post(activity)).status, 403);
      assert.equal((await bot.post(activity)).status, 403);
    });
    onlyTheRefusal(docs);
  });

  it('keeps serving the allowed tenant after refusals', async () => {
    const [consent] = cardsOf(await bot.say(NINA, 'ny plan'));
    const answer = await bot.execute(NINA, 'guide', { ...actionData(consent, 'consent') });
    assert.equal(answer.status, 200);
  });
});

describe('without an allow-list (local use, tests)', function () {
  this.timeout(30_000);
  let bot: TestBot;

  before(async () => {
    bot = await new TestBot().start();
  });
  after(() => bot.stop());

  it('serves every tenant', async () => {
    assert.match(textOf(cardsOf(await bot.say(STRANGER, 'hjælp'))[0]), /Samspil/);
  });

  it('still serves Teams only, audited', async () => {
    let status = 0;
    const docs = await added(bot, async () => {
      status = (await bot.post({ ...bot.activityFrom(NINA), channelId: 'directline', type: 'message', text: 'ny plan' })).status;
    });
    assert.equal(status, 403);
    assert.deepEqual(onlyTheRefusal(docs).details, { reason: 'channel', activityType: 'message' });
  });
});
