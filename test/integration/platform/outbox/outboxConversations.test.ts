/**
 * The outbox to any conversation, through the real stack (@azure/cosmos on the embedded server,
 * botbuilder's CloudAdapter against the connector fake): a channel post with an @mention of a
 * tag, a reply in a thread, a group chat card with a person's mention; a person without a stored
 * chat, whose 1:1 chat is created when the message is sent (retried on 429/503, failed for good on
 * 403 and shown in status()); and updates that only move forward.
 */
import { strict as assert } from 'node:assert';
import { conversationTargetKey, outboxItemId, threadConversationId } from '../../../../src/platform/outbox/keys';
import type { OutboxActivity } from '../../../../src/platform/outbox/model';
import { conversationOf, OUTBOX_BOT_APP_ID, OUTBOX_TENANT, userId } from '../../../support/outboxFixtures';
import { events, startOutboxHarness, tickUntil, type OutboxHarness } from '../../../support/outboxHarness';

const CHANNEL = '19:housing-unit-7@thread.tacv2';
const GROUP = '19:a1b2c3-group@thread.v2';

const card = (text: string, msteams?: Record<string, unknown>): OutboxActivity => ({
  type: 'message',
  attachments: [{ contentType: 'application/vnd.microsoft.card.adaptive', content: { type: 'AdaptiveCard', version: '1.5', body: [{ type: 'TextBlock', text, wrap: true }], ...(msteams ? { msteams } : {}) } }],
});

describe('outbox to any conversation (channels, threads, group chats, 1:1 created at send time)', function () {
  this.timeout(30_000);
  let h: OutboxHarness;

  before(async () => {
    h = await startOutboxHarness('outbox-conversations');
  });
  after(async () => h.close());
  beforeEach(() => {
    h.connector.fault = () => undefined;
  });

  const conversation = (id: string, conversationType: string) => ({
    serviceUrl: h.serviceUrl, channelId: 'msteams', conversation: { id, conversationType, tenantId: OUTBOX_TENANT }, bot: { id: `28:${OUTBOX_BOT_APP_ID}` },
  });

  it('posts in a channel mentioning a tag, replies in a thread and sends a card with a mention to a group chat, keyed by conversation', async () => {
    const outbox = h.outbox();
    const thread = threadConversationId(CHANNEL, '1700000000042');
    const tagMention = { type: 'mention' as const, text: '<at>Nattevagt</at>', mentioned: { id: 'tag-night-shift', name: 'Nattevagt', type: 'tag' as const } };
    const personMention = { type: 'mention' as const, text: '<at>Ole Bostøtte</at>', mentioned: { id: userId(1, 'm'), name: 'Ole Bostøtte' } };
    const result = await outbox.enqueue('urgent:unit-7:case-1', OUTBOX_TENANT, [
      { conversation: conversation(CHANNEL, 'channel'), activity: card('<at>Nattevagt</at> ring til vagtlægen', { entities: [tagMention] }) },
      { conversation: conversation(thread, 'channel'), activity: { type: 'message', text: '<at>Ole Bostøtte</at> opfølgning i tråden', entities: [personMention] } },
      { conversation: conversation(GROUP, 'groupChat'), activity: card('<at>Ole Bostøtte</at> mødet er flyttet', { entities: [personMention] }) },
    ]);
    assert.deepEqual(result.itemIds, [CHANNEL, thread, GROUP].map((c) => outboxItemId(OUTBOX_TENANT, 'urgent:unit-7:case-1', conversationTargetKey(c))));
    await tickUntil(outbox, async () => (await outbox.status(OUTBOX_TENANT, 'urgent:unit-7:case-1')).counts.sent === 3);

    const [post] = h.connector.deliveredTo(CHANNEL);
    assert.deepEqual((post!.activity.attachments![0]!.content.msteams as Record<string, unknown>).entities, [tagMention], 'the tag mention reaches Teams as sent');
    const [reply] = h.connector.deliveredTo(thread);
    assert.deepEqual(reply!.activity.entities, [personMention], 'the reply goes to <channel>;messageid=<root>, mention intact');
    const [group] = h.connector.deliveredTo(GROUP);
    assert.deepEqual((group!.activity.attachments![0]!.content.msteams as Record<string, unknown>).entities, [personMention]);
    const report = await outbox.status(OUTBOX_TENANT, 'urgent:unit-7:case-1');
    assert.deepEqual(report.recipientIds.sort(), [CHANNEL, thread, GROUP].map(conversationTargetKey).sort());
    assert.ok(!h.logs.some((l) => l.includes('Nattevagt') || l.includes('Bostøtte')), 'logs carry ids only');
  });

  it('a channel post, a group chat post and an update of each are retried on 429, never before Retry-After, each delivered once', async () => {
    const outbox = h.outbox();
    const channel = '19:housing-unit-9@thread.tacv2';
    const group = '19:d4e5f6-group@thread.v2';
    const throttled = new Set([channel, group]);
    h.connector.fault = (c) => (throttled.has(c.conversationId) && c.attemptNo === 1 ? { status: 429, headers: { 'Retry-After': '1' } } : undefined);
    await outbox.enqueue('notice:429', OUTBOX_TENANT, [
      { conversation: conversation(channel, 'channel'), activity: card('kanal') },
      { conversation: conversation(group, 'groupChat'), activity: card('gruppe') },
    ]);
    await tickUntil(outbox, async () => (await outbox.status(OUTBOX_TENANT, 'notice:429')).counts.sent === 2);
    for (const id of [channel, group]) {
      const tries = h.connector.attempts.filter((a) => a.kind === 'send' && a.conversationId === id);
      assert.equal(tries.length, 2, `${id}: one 429, one success`);
      assert.ok(tries[1]!.at - tries[0]!.at >= 1_000, `${id}: Retry-After was honoured`);
      assert.equal(h.connector.deliveredTo(id).length, 1, `${id}: delivered once`);
    }
    for (const id of [channel, group]) {
      await outbox.update(OUTBOX_TENANT, { target: { messageKey: 'notice:429', conversationId: id }, version: 2, activity: card(`${id} opdateret`) });
    }
    await tickUntil(outbox, () => h.connector.updatesTo(channel).length === 1 && h.connector.updatesTo(group).length === 1);
    for (const id of [channel, group]) {
      const tries = h.connector.attempts.filter((a) => a.kind === 'update' && a.conversationId === id);
      assert.equal(tries.length, 2, `${id}: the update met one 429, then went through`);
      assert.ok(tries[1]!.at - tries[0]!.at >= 1_000, `${id}: Retry-After was honoured for the update`);
      assert.equal(h.connector.updatesTo(id)[0]!.activityId, h.connector.deliveredTo(id)[0]!.activityId, `${id}: the message sent is the one updated`);
    }
  });

  it('refuses a mention whose <at> text is not in the message, and any activity field beyond the allowed ones', async () => {
    const outbox = h.outbox();
    const to = { conversation: conversation(GROUP, 'groupChat') };
    const mention = { type: 'mention' as const, text: '<at>Ole</at>', mentioned: { id: 'u-1', name: 'Ole' } };
    await assert.rejects(outbox.enqueue('k:mention-1', OUTBOX_TENANT, [{ ...to, activity: { type: 'message', text: 'hej', entities: [mention] } }]), /mention must appear in the text/);
    await assert.rejects(outbox.enqueue('k:mention-2', OUTBOX_TENANT, [{ ...to, activity: card('hej', { entities: [mention] }) }]), /card mention must appear/);
    await assert.rejects(outbox.enqueue('k:mention-3', OUTBOX_TENANT, [{ ...to, activity: card('<at>Ole</at>', { entities: [{ ...mention, mentioned: { ...mention.mentioned, role: 'x' } }] }) }]), /Unrecognized key/);
    // botbuilder would drop `type: 'tag'` from an activity-level mention: refused with a pointer to cards.
    const tag = { ...mention, mentioned: { ...mention.mentioned, type: 'tag' as const } };
    await assert.rejects(outbox.enqueue('k:mention-6', OUTBOX_TENANT, [{ ...to, activity: { type: 'message', text: '<at>Ole</at>', entities: [tag] } }]), /tag mentions go in an adaptive card/);
    await assert.rejects(outbox.enqueue('k:mention-4', OUTBOX_TENANT, [{ ...to, activity: { type: 'message', text: 'x', replyToId: '1' } as OutboxActivity }]), /Unrecognized key/);
    await assert.rejects(outbox.enqueue('k:mention-5', OUTBOX_TENANT, [{ conversation: { ...conversation(GROUP, 'groupChat'), conversation: { id: GROUP, tenantId: 'other' } }, activity: { type: 'message', text: 'x' } }]), /another tenant/);
    for (const key of ['k:mention-1', 'k:mention-2', 'k:mention-3', 'k:mention-4', 'k:mention-5', 'k:mention-6']) assert.equal((await outbox.status(OUTBOX_TENANT, key)).total, 0);
  });

  it('creates a 1:1 chat only when sending: retried on 429 and 503, a stored chat is used as is, 403 fails for good and shows in status()', async () => {
    const directory = h.directory();
    const outbox = h.outbox({ resolver: directory });
    const [stored, throttled, unavailable, notInstalled] = [1, 2, 3, 4].map((i) => userId(i, 'n'));
    await h.conversations.save({
      channelId: 'msteams', serviceUrl: h.serviceUrl, conversation: { id: conversationOf(stored!), conversationType: 'personal', tenantId: OUTBOX_TENANT },
      bot: { id: `28:${OUTBOX_BOT_APP_ID}` }, user: { id: `29:${stored}`, aadObjectId: stored! },
    });
    h.connector.fault = (c) => {
      if (c.kind !== 'create') return undefined;
      if (c.userId === throttled && c.attemptNo === 1) return { status: 429, headers: { 'Retry-After': '1' } };
      if (c.userId === unavailable && c.attemptNo === 1) return { status: 503 };
      if (c.userId === notInstalled) return { status: 403, code: 'BotNotInConversationRoster' };
      return undefined;
    };
    const before = h.connector.attempts.length;
    await outbox.enqueue('invite:n:1', OUTBOX_TENANT, [stored!, throttled!, unavailable!, notInstalled!].map((u) => ({ userId: u, activity: card('Invitation') })));
    assert.equal(h.connector.attempts.length, before, 'enqueueing (inside a click) makes no request to Teams');
    await tickUntil(outbox, async () => {
      const s = await outbox.status(OUTBOX_TENANT, 'invite:n:1');
      return s.counts.sent + s.counts.failed === 4;
    });
    const creates = (u: string) => h.connector.attempts.filter((a) => a.kind === 'create' && a.userId === u);
    assert.deepEqual([stored, throttled, unavailable, notInstalled].map((u) => creates(u!).length), [0, 2, 2, 1]);
    const throttledTimes = creates(throttled!).map((a) => a.at);
    assert.ok(throttledTimes[1]! - throttledTimes[0]! >= 1_000, 'Retry-After was honoured');
    for (const u of [stored, throttled, unavailable]) assert.equal(h.connector.deliveredTo(conversationOf(u!)).length, 1, u);
    assert.equal(h.connector.deliveredTo(conversationOf(notInstalled!)).length, 0);
    const report = await outbox.status(OUTBOX_TENANT, 'invite:n:1');
    assert.deepEqual(report.failed, [{ recipientId: notInstalled, itemId: outboxItemId(OUTBOX_TENANT, 'invite:n:1', notInstalled!), error: { code: 'notInstalled', httpStatus: 403 } }]);
    assert.equal((await h.conversations.get(OUTBOX_TENANT, throttled!))?.conversation.id, conversationOf(throttled!), 'the created chat is stored for next time');
  });

  it('updates a group chat message in order: an older version is dropped, and one arriving while a PUT is in flight goes after it', async () => {
    const outbox = h.outbox();
    const key = 'meeting-card:m-1';
    await outbox.enqueue(key, OUTBOX_TENANT, [{ conversation: conversation(GROUP, 'groupChat'), activity: card('v1') }]);
    const target = { messageKey: key, conversationId: GROUP };
    // Queued before the message is out: the update waits for it.
    assert.deepEqual((await outbox.update(OUTBOX_TENANT, { target, version: 2, activity: card('v2') })).queued, true);
    await tickUntil(outbox, () => h.connector.updatesTo(GROUP).length === 1);
    const sent = h.connector.deliveredTo(GROUP).find((m) => JSON.stringify(m.activity).includes('"v1"'))!;
    assert.equal(h.connector.updatesTo(GROUP)[0]!.activityId, sent.activityId, 'the PUT names the message the outbox sent');

    assert.equal((await outbox.update(OUTBOX_TENANT, { target, version: 1, activity: card('late v1') })).queued, false);
    assert.equal((await outbox.update(OUTBOX_TENANT, { target, version: 2, activity: card('v2 again') })).queued, false);
    // The PUT of v3 is slow; v5 arrives meanwhile and a second dispatcher looks for work at once.
    h.connector.fault = (c) => (c.kind === 'update' && c.attemptNo === 2 ? { delayMs: 400 } : undefined);
    await outbox.update(OUTBOX_TENANT, { target, version: 3, activity: card('v3') });
    const inFlight = outbox.tick();
    await h.connector.waitUntil(() => h.connector.attempts.filter((a) => a.kind === 'update' && a.conversationId === GROUP).length === 2, 5_000, 'v3 in flight');
    await outbox.update(OUTBOX_TENANT, { target, version: 5, activity: card('v5') });
    assert.equal((await outbox.update(OUTBOX_TENANT, { target, version: 4, activity: card('v4') })).queued, false, 'v5 is already queued');
    await h.outbox({ instanceId: 'second' }).tick();
    await inFlight;
    await tickUntil(outbox, () => h.connector.updatesTo(GROUP).length === 3);
    await outbox.tick();
    const shown = h.connector.updatesTo(GROUP).map((u) => /"text":"(v\d)"/.exec(JSON.stringify(u.activity))?.[1]);
    assert.deepEqual(shown, ['v2', 'v3', 'v5'], 'never backwards, never an older render after a newer one');
  });

  it('updates any message by conversation reference and activity id, through the rate limits, retried on 429', async () => {
    const outbox = h.outbox();
    const reference = conversation('a:1personal-organiser', 'personal');
    h.connector.fault = (c) => (c.kind === 'update' && c.attemptNo === 1 ? { status: 429, headers: { 'Retry-After': '0' } } : undefined);
    const first = await outbox.update(OUTBOX_TENANT, { target: { reference, activityId: '1700000000777' }, version: Date.parse('2026-11-02T08:00:00Z'), activity: card('tally 1'), priority: 'urgent' });
    await tickUntil(outbox, () => h.connector.updatesTo('a:1personal-organiser').length === 1);
    assert.equal(h.connector.updatesTo('a:1personal-organiser')[0]!.activityId, '1700000000777');
    assert.equal(h.connector.attempts.filter((a) => a.kind === 'update' && a.conversationId === 'a:1personal-organiser').length, 2);
    const { resource } = await h.container.item(first.itemId, (await h.container.items.query<{ shard: string }>({ query: 'SELECT c.shard FROM c WHERE c.id = @id', parameters: [{ name: '@id', value: first.itemId }] }).fetchAll()).resources[0]!.shard).read();
    assert.equal(resource.status, 'applied');
    assert.equal(resource.activity, undefined, 'no content kept once applied');
    assert.ok(events(h.logs, 'outbox.updated').some((e) => e.itemId === first.itemId && e.lane === 'urgent'));
  });
});
