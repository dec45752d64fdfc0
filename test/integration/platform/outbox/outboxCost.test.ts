/**
 * What one send and one update cost in Cosmos, counted at the wire (a loopback proxy in front of
 * the embedded store), with the real dispatcher loop running as in production: work this process
 * queues goes to its own dispatcher with the ETag of the write, so no due query finds it and no
 * read precedes its claim; an update replaces the version this process wrote last without reading
 * it. And what that hand-over must not cost: a process that dies after queuing, before or after
 * its claim, still gets the work done exactly once by another instance.
 */
import { strict as assert } from 'node:assert';
import { CosmosClient, type Container } from '@azure/cosmos';
import type { Activity, ConversationReference } from 'botbuilder';
import { outboxItemId } from '../../../../src/platform/outbox/keys';
import type { OutboxActivity } from '../../../../src/platform/outbox/model';
import { createOutbox, Outbox } from '../../../../src/platform/outbox/outbox';
import { CosmosOutboxStore } from '../../../../src/platform/outbox/outboxStore';
import { BotFrameworkSender, createProactiveAdapter } from '../../../../src/platform/outbox/senderBotFramework';
import type { Sender, SendResult } from '../../../../src/platform/outbox/sender';
import { startCosmosRequestCounter, type CosmosRequestCounter, type CountedRequest } from '../../../support/cosmosRequestCounter';
import { OUTBOX_BOT_APP_ID, OUTBOX_TENANT, settleIo } from '../../../support/outboxFixtures';
import { startOutboxHarness, tickUntil, type OutboxHarness } from '../../../support/outboxHarness';

const GROUP = '19:cost-group@thread.v2';

const card = (text: string): OutboxActivity => ({
  type: 'message',
  attachments: [{ contentType: 'application/vnd.microsoft.card.adaptive', content: { type: 'AdaptiveCard', version: '1.5', body: [{ type: 'TextBlock', text }] } }],
});

/** "GET read, PUT write ×2" – what reached the store, queries and their plans apart. */
function describeAll(requests: CountedRequest[]): string[] {
  return requests.map((r) => (r.kind === 'other' ? `${r.method} ${r.method === 'GET' ? 'read' : 'write'}` : r.kind)).sort();
}

async function until(done: () => boolean | Promise<boolean>, ms = 5_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await done())) {
    if (Date.now() > deadline) throw new Error('timed out');
    await settleIo(10);
  }
}

describe('outbox cost per message and per update (Cosmos requests counted at the wire, dispatcher running)', function () {
  this.timeout(30_000);
  let h: OutboxHarness;
  let counter: CosmosRequestCounter;
  let client: CosmosClient;
  let counted: Container;
  let outbox: Outbox | undefined;

  before(async () => {
    h = await startOutboxHarness('outbox-cost');
    counter = await startCosmosRequestCounter(h.cosmos.clientOptions());
    client = new CosmosClient(counter.clientOptions());
    counted = client.database(h.databaseId).container('outbox');
    // The SDK reads the container's definition once per client (for a create's partition key): not the work's cost.
    await counted.items.upsert({ id: 'warm-up', shard: 's00' });
  });
  afterEach(async () => {
    await outbox?.stop();
    outbox = undefined;
    h.connector.fault = () => undefined;
  });
  after(async () => {
    client.dispose();
    await counter.close();
    await h.close();
  });

  const groupChat = { serviceUrl: '', channelId: 'msteams', conversation: { id: GROUP, conversationType: 'groupChat', tenantId: OUTBOX_TENANT }, bot: { id: `28:${OUTBOX_BOT_APP_ID}` } };
  const statusOf = async (id: string, shard: string) => (await h.container.item(id, shard).read<{ status: string; appliedVersion?: number; activityId?: string }>()).resource;
  const shardOfDoc = async (id: string) =>
    (await h.container.items.query<{ shard: string }>({ query: 'SELECT c.shard FROM c WHERE c.id = @id', parameters: [{ name: '@id', value: id }] }).fetchAll()).resources[0]!.shard;

  /** A started outbox over the counted client; polls only at start, so every later request is the work's own. */
  async function startedOutbox(): Promise<Outbox> {
    const o = createOutbox({
      container: counted, sender: new BotFrameworkSender(createProactiveAdapter({}, 2_000), ''), logger: h.logger, verifier: h.verifier(),
      pollIntervalMs: 60_000, idlePollMaxMs: 60_000, instanceId: 'cost',
    });
    o.start();
    await until(() => counter.requests.some((r) => r.kind === 'query'));
    await settleIo(50);
    counter.reset();
    return o;
  }

  it('a message to a conversation: record read, item created, record written, claimed, marked sent – no query, no read before the claim', async () => {
    outbox = await startedOutbox();
    groupChat.serviceUrl = h.serviceUrl;
    const { itemIds } = await outbox.enqueue('notice:cost-1', OUTBOX_TENANT, [{ conversation: groupChat, activity: card('Mødet er flyttet') }]);
    const shard = await shardOfDoc(itemIds[0]!);
    await until(async () => (await statusOf(itemIds[0]!, shard))?.status === 'sent');
    await settleIo(100);
    assert.equal(h.connector.deliveredTo(GROUP).length, 1);
    assert.deepEqual(describeAll(counter.requests), ['GET read', 'POST write', 'POST write', 'PUT write', 'PUT write'], JSON.stringify(counter.requests));
  });

  it('an update of a live card: one write to queue and claim it, one for the outcome – no query, and no read from the second version on', async () => {
    outbox = await startedOutbox();
    const reference = { ...groupChat, serviceUrl: h.serviceUrl };
    const target = { reference, activityId: '1700000000901' };
    const first = await outbox.update(OUTBOX_TENANT, { target, version: 1, activity: card('tally 1'), priority: 'urgent' });
    const shard = await shardOfDoc(first.itemId);
    await until(async () => (await statusOf(first.itemId, shard))?.appliedVersion === 1);
    await settleIo(100);
    assert.deepEqual(describeAll(counter.requests), ['GET read', 'POST write', 'PUT write'], 'a new document: looked for, created already claimed, applied');
    counter.reset();

    await outbox.update(OUTBOX_TENANT, { target, version: 2, activity: card('tally 2'), priority: 'urgent' });
    await until(async () => (await statusOf(first.itemId, shard))?.appliedVersion === 2);
    await settleIo(100);
    assert.deepEqual(describeAll(counter.requests), ['PUT write', 'PUT write'], 'replaced (claimed) with the ETag written last, applied');
    assert.deepEqual(h.connector.updatesTo(GROUP).map((u) => /tally \d/.exec(JSON.stringify(u.activity))?.[0]), ['tally 1', 'tally 2']);
  });

  it('an update queued while the previous one is in flight goes right after it, without a read or a query', async () => {
    outbox = await startedOutbox();
    const target = { reference: { ...groupChat, serviceUrl: h.serviceUrl }, activityId: '1700000000902' };
    // The first PUT is slow, so the next version arrives while it is in flight.
    let updates = 0;
    h.connector.fault = (c) => (c.kind === 'update' && ++updates === 1 ? { delayMs: 300 } : undefined);
    const first = await outbox.update(OUTBOX_TENANT, { target, version: 10, activity: card('tally 10'), priority: 'urgent' });
    const shard = await shardOfDoc(first.itemId);
    await until(async () => (await statusOf(first.itemId, shard))?.status === 'sending');
    await outbox.update(OUTBOX_TENANT, { target, version: 11, activity: card('tally 11'), priority: 'urgent' });
    await until(async () => (await statusOf(first.itemId, shard))?.appliedVersion === 11);
    await settleIo(100);
    const requests = describeAll(counter.requests);
    assert.ok(!requests.some((r) => r === 'query' || r === 'queryPlan'), requests.join(', '));
    assert.equal(requests.filter((r) => r === 'GET read').length, 1, `only the first version looks for the document: ${requests.join(', ')}`);
    const shown = h.connector.updatesTo(GROUP).filter((u) => u.activityId === '1700000000902').map((u) => /tally \d+/.exec(JSON.stringify(u.activity))?.[0]);
    assert.deepEqual(shown, ['tally 10', 'tally 11'], 'in order, the newest last');
  });

  it('work queued by a process that dies before its claim is sent once by another instance', async () => {
    // The dying process: its writes after the first (the claim) never reach the store.
    const store = new CosmosOutboxStore(counted);
    let claims = 0;
    const dying = Object.assign(Object.create(store) as CosmosOutboxStore, {
      replace: async () => {
        claims++;
        return new Promise<never>(() => undefined);
      },
    });
    const hanging: Sender = { send: () => new Promise<SendResult>(() => undefined) };
    outbox = new Outbox({ store: dying, sender: hanging, logger: h.logger, pollIntervalMs: 60_000, idlePollMaxMs: 60_000, instanceId: 'dying' });
    outbox.start();
    await until(() => counter.requests.some((r) => r.kind === 'query'));
    const { itemIds } = await outbox.enqueue('notice:cost-crash-1', OUTBOX_TENANT, [{ conversation: { ...groupChat, serviceUrl: h.serviceUrl, conversation: { ...groupChat.conversation, id: '19:crash-1@thread.v2' } }, activity: card('Husk mødet') }]);
    await until(() => claims === 1);
    // Another instance finds it by its due query and sends it once.
    const other = h.outbox({ instanceId: 'other' });
    await tickUntil(other, async () => (await statusOf(itemIds[0]!, await shardOfDoc(itemIds[0]!)))?.status === 'sent');
    assert.equal(h.connector.deliveredTo('19:crash-1@thread.v2').length, 1);
    outbox = undefined; // never stops: it is "dead"
  });

  it('work a process claimed through the hand-over and died sending is verified and sent once by another instance after the lease', async () => {
    const never: Sender = { send: (_r: Partial<ConversationReference>, _a: Partial<Activity>) => new Promise<SendResult>(() => undefined) };
    const dying = createOutbox({ container: counted, sender: never, logger: h.logger, leaseMs: 5_000, sendTimeoutMs: 2_000, verifyTimeoutMs: 1_000, pollIntervalMs: 60_000, idlePollMaxMs: 60_000, instanceId: 'dying-2' });
    dying.start();
    const [person] = h.recipients(1, 'crash');
    const { itemIds } = await dying.enqueue('notice:cost-crash-2', OUTBOX_TENANT, [person!]);
    const id = itemIds[0]!;
    assert.equal(id, outboxItemId(OUTBOX_TENANT, 'notice:cost-crash-2', person!.userId));
    const shard = await shardOfDoc(id);
    await until(async () => (await statusOf(id, shard))?.status === 'sending');
    // The lease (5 s) runs out; the other instance verifies (nothing arrived) and sends once.
    const other = h.outbox({ instanceId: 'other-2' });
    await tickUntil(other, async () => (await statusOf(id, shard))?.status === 'sent', 20_000);
    assert.equal(h.connector.deliveredTo(person!.reference!.conversation.id).length, 1);
  });

  it('an update written already claimed by a process that died before sending it is applied by another instance after the lease', async () => {
    const hang = () => new Promise<SendResult>(() => undefined);
    const dying = createOutbox({ container: counted, sender: { send: hang, update: hang }, logger: h.logger, leaseMs: 5_000, sendTimeoutMs: 2_000, verifyTimeoutMs: 1_000, pollIntervalMs: 60_000, idlePollMaxMs: 60_000, instanceId: 'dying-3' });
    dying.start();
    await until(() => counter.requests.some((r) => r.kind === 'query'));
    const target = { reference: { ...groupChat, serviceUrl: h.serviceUrl }, activityId: '1700000000903' };
    const { itemId } = await dying.update(OUTBOX_TENANT, { target, version: 7, activity: card('tally 7'), priority: 'urgent' });
    const shard = await shardOfDoc(itemId);
    const written = (await h.container.item(itemId, shard).read<{ status: string; claimedBy?: string }>()).resource!;
    assert.deepEqual([written.status, written.claimedBy], ['sending', 'dying-3'], 'written claimed: no second write to claim it');
    const other = h.outbox({ instanceId: 'other-3' });
    await tickUntil(other, async () => (await statusOf(itemId, shard))?.appliedVersion === 7, 20_000);
    assert.equal(h.connector.updatesTo(GROUP).filter((u) => u.activityId === '1700000000903').length, 1);
  });
});
