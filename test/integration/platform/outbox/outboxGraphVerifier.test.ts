/**
 * The Graph delivery verifier against the Graph fake (real request and response shapes), alone
 * and inside the dispatcher: paging, foreign links, Graph being down, text-only messages, and
 * conversations other than 1:1 chats (group chat, channel post, thread reply).
 */
import { strict as assert } from 'node:assert';
import { conversationTargetKey, outboxItemId, threadConversationId } from '../../../../src/platform/outbox/keys';
import { GraphDeliveryVerifier, GraphRequestError } from '../../../../src/platform/outbox/graphDeliveryVerifier';
import type { OutboxItem } from '../../../../src/platform/outbox/model';
import { conversationOf, invitation, OUTBOX_BOT_APP_ID, OUTBOX_TENANT } from '../../../support/outboxFixtures';
import { OUTBOX_GRAPH_TOKEN } from '../../../support/outboxGraphFake';
import { events, startOutboxHarness, tickUntil, type OutboxHarness } from '../../../support/outboxHarness';

describe('outbox Graph delivery verifier', function () {
  this.timeout(30_000);
  let h: OutboxHarness;

  before(async () => {
    h = await startOutboxHarness('outbox-graph');
  });
  after(async () => h.close());
  beforeEach(() => {
    h.connector.fault = () => undefined;
    h.graph.failWith = undefined;
  });

  const item = async (messageKey: string, userId: string): Promise<OutboxItem> => {
    const { resources } = await h.container.items
      .query<OutboxItem>({ query: 'SELECT * FROM c WHERE c.id = @id', parameters: [{ name: '@id', value: outboxItemId(OUTBOX_TENANT, messageKey, userId) }] })
      .fetchAll();
    return resources[0]!;
  };

  it('finds a message several pages back in the 1:1 chat, and only messages that carry the item id', async () => {
    const [r] = h.recipients(1, 'v');
    const outbox = h.outbox();
    const keys = Array.from({ length: 7 }, (_, i) => `notice:v${i}`);
    for (const key of keys) {
      await outbox.enqueue(key, OUTBOX_TENANT, [r!]);
      await outbox.tick(); // one at a time, a few ms apart: keys[0] is the oldest message in the chat
      await new Promise((res) => setTimeout(res, 3));
    }
    await outbox.enqueue('notice:never-sent', OUTBOX_TENANT, [r!], { notBefore: new Date(Date.now() + 3_600_000) });
    assert.equal(h.connector.deliveredTo(conversationOf(r!.userId)).length, 7);
    const verifier = new GraphDeliveryVerifier({ baseUrl: h.graphUrl, tokens: { getToken: async () => OUTBOX_GRAPH_TOKEN }, botAppId: OUTBOX_BOT_APP_ID, pageSize: 2 });
    const oldest = await item(keys[0]!, r!.userId);
    const before = h.graph.requests.length;
    assert.deepEqual(await verifier.check({ ...oldest, activity: (await item('notice:never-sent', r!.userId)).activity }), {
      delivered: true, activityId: h.connector.deliveredTo(conversationOf(r!.userId))[0]!.activityId,
    });
    const calls = h.graph.requests.slice(before);
    assert.equal(calls.filter((u) => u.includes('/messages')).length, 4, 'followed @odata.nextLink to the fourth page');
    assert.ok(calls.every((u) => !u.includes('/messages') || (u.includes('lastModifiedDateTime+desc') && u.includes('lastModifiedDateTime+gt'))));
    assert.deepEqual(await verifier.check(await item('notice:never-sent', r!.userId)), { delivered: false });
    assert.deepEqual(await verifier.check({ ...oldest, activity: { type: 'message', text: 'plain' } }), { delivered: 'unverifiable' });
    assert.deepEqual(await verifier.check({ ...oldest, activity: (await item('notice:never-sent', r!.userId)).activity, recipientId: 'not-installed', reference: {}, conversationId: 'a:x' }), { delivered: false });
  });

  it('fails rather than follow a link off Graph, and reports Graph errors as errors', async () => {
    const [r] = h.recipients(1, 'w');
    const outbox = h.outbox();
    await outbox.enqueue('notice:w', OUTBOX_TENANT, [r!]);
    await outbox.enqueue('notice:w2', OUTBOX_TENANT, [r!], { notBefore: new Date(Date.now() + 3_600_000) });
    const pending = await item('notice:w2', r!.userId);
    const seen: string[] = [];
    const foreign = new GraphDeliveryVerifier({
      baseUrl: h.graphUrl, tokens: { getToken: async () => OUTBOX_GRAPH_TOKEN }, botAppId: OUTBOX_BOT_APP_ID,
      fetch: async (input, init) => {
        seen.push(String(input));
        const res = await fetch(input, init);
        const body = (await res.json()) as Record<string, unknown>;
        if (String(input).includes('/messages')) body['@odata.nextLink'] = 'https://evil.example/v1.0/chats/x/messages';
        return new Response(JSON.stringify(body), { status: res.status });
      },
    });
    await assert.rejects(foreign.check(pending), /unexpected link origin/);
    assert.ok(seen.every((u) => u.startsWith(h.graphUrl)));
    h.graph.failWith = 503;
    await assert.rejects(h.verifier().check({ ...pending, conversationId: '19:chat@thread.v2' }), (e: unknown) => e instanceof GraphRequestError && e.status === 503);
  });

  it('does not re-send while Graph cannot tell, and settles once Graph answers', async () => {
    const [r] = h.recipients(1, 'z');
    h.connector.fault = (c) => (c.attemptNo === 1 && c.conversationId === conversationOf(r!.userId) ? { status: 504, deliver: true } : undefined);
    h.graph.failWith = 503;
    const outbox = h.outbox();
    await outbox.enqueue('notice:graph-down', OUTBOX_TENANT, [r!]);
    for (let i = 0; i < 6; i++) {
      await outbox.tick();
      await new Promise((res) => setTimeout(res, 60));
    }
    assert.equal(h.connector.attempts.filter((a) => a.conversationId === conversationOf(r!.userId)).length, 1, 'no second send while in doubt');
    assert.ok(events(h.logs, 'outbox.verifyFailed').length >= 2);
    h.graph.failWith = undefined;
    await tickUntil(outbox, async () => (await item('notice:graph-down', r!.userId)).status === 'sent');
    assert.equal(h.connector.deliveredTo(conversationOf(r!.userId)).length, 1);
    assert.equal((await item('notice:graph-down', r!.userId)).verifiedDelivery, true);
  });

  it('re-sends a text-only message in doubt, since nothing in Graph identifies it, and logs why', async () => {
    const [r] = h.recipients(1, 'u');
    h.connector.fault = (c) => (c.attemptNo === 1 && c.conversationId === conversationOf(r!.userId) ? { status: 504, deliver: true } : undefined);
    const outbox = h.outbox();
    await outbox.enqueue('notice:text', OUTBOX_TENANT, [{ ...r!, activity: { type: 'message', text: 'Husk mødet' } }]);
    await tickUntil(outbox, async () => (await item('notice:text', r!.userId)).status === 'sent');
    assert.equal(h.connector.deliveredTo(conversationOf(r!.userId)).length, 2);
    const warned = events(h.logs, 'outbox.possibleDuplicate').find((e) => e.itemId === outboxItemId(OUTBOX_TENANT, 'notice:text', r!.userId));
    assert.equal(warned?.reason, 'unverifiable');
  });

  const TEAM = '0d2f6b1e-0000-4000-8000-0000000000aa';
  const conversation = (id: string, conversationType: string) => ({
    serviceUrl: h.serviceUrl, channelId: 'msteams', conversation: { id, conversationType, tenantId: OUTBOX_TENANT }, bot: { id: `28:${OUTBOX_BOT_APP_ID}` },
  });

  it('finds a message Teams took without answering in a group chat, a channel and a thread, and does not send it again', async () => {
    const group = '19:verify-group@thread.v2';
    const channel = '19:verify-channel@thread.tacv2';
    const thread = threadConversationId(channel, '1700000000123');
    h.graph.addChat(group);
    h.graph.addChannel(TEAM, channel);
    h.connector.fault = (c) => (c.kind === 'send' && c.attemptNo === 1 && [group, channel, thread].includes(c.conversationId) ? { status: 504, deliver: true } : undefined);
    const outbox = h.outbox();
    const key = 'urgent:verify-many';
    await outbox.enqueue(key, OUTBOX_TENANT, [
      { conversation: conversation(group, 'groupChat'), activity: invitation('Gruppen') },
      { conversation: conversation(channel, 'channel'), teamId: TEAM, activity: invitation('Kanalen') },
      { conversation: conversation(thread, 'channel'), teamId: TEAM, activity: invitation('Tråden') },
    ]);
    const before = h.graph.requests.length;
    await tickUntil(outbox, async () => (await outbox.status(OUTBOX_TENANT, key)).counts.sent === 3);
    for (const c of [group, channel, thread]) {
      assert.equal(h.connector.deliveredTo(c).length, 1, c);
      const verified = await item(key, conversationTargetKey(c));
      assert.equal(verified.verifiedDelivery, true, c);
      assert.equal(verified.activityId, h.connector.deliveredTo(c)[0]!.activityId);
    }
    const asked = h.graph.requests.slice(before).map((u) => decodeURIComponent(u));
    assert.ok(asked.some((u) => u.startsWith(`/v1.0/chats/${group}/messages`)), 'the group chat by its id');
    assert.ok(asked.some((u) => u.startsWith(`/v1.0/teams/${TEAM}/channels/${channel}/messages/delta`) && u.includes('lastModifiedDateTime+gt')), 'root posts through delta');
    assert.ok(asked.some((u) => u.startsWith(`/v1.0/teams/${TEAM}/channels/${channel}/messages/1700000000123/replies`)), 'replies of the thread');
    assert.equal(events(h.logs, 'outbox.possibleDuplicate').filter((e) => String(e.messageKey) === key).length, 0);
  });

  it('cannot verify a channel message without its team id: sends it again and logs why', async () => {
    const channel = '19:verify-no-team@thread.tacv2';
    h.connector.fault = (c) => (c.kind === 'send' && c.attemptNo === 1 && c.conversationId === channel ? { status: 504, deliver: true } : undefined);
    const outbox = h.outbox();
    await outbox.enqueue('urgent:verify-no-team', OUTBOX_TENANT, [{ conversation: conversation(channel, 'channel'), activity: invitation('Kanalen') }]);
    await tickUntil(outbox, async () => (await outbox.status(OUTBOX_TENANT, 'urgent:verify-no-team')).counts.sent === 1);
    assert.equal(h.connector.deliveredTo(channel).length, 2);
    const itemId = outboxItemId(OUTBOX_TENANT, 'urgent:verify-no-team', conversationTargetKey(channel));
    assert.equal(events(h.logs, 'outbox.possibleDuplicate').find((e) => e.itemId === itemId)?.reason, 'unverifiable');
  });
});
