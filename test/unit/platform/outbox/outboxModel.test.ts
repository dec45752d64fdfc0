/** Deterministic ids and shards, the marker, and the item transitions. */
import { strict as assert } from 'node:assert';
import { allShards, baseConversationId, conversationTargetKey, outboxItemId, personTargetKey, shardOf, threadConversationId, threadRootOf } from '../../../../src/platform/outbox/keys';
import { ADAPTIVE_CARD, outboxActivitySchema, recipientSchema } from '../../../../src/platform/outbox/model';
import { cardCarriesMarker, isVerifiable, MARKER_KEY, withMarker } from '../../../../src/platform/outbox/marker';
import { claimed, delivered, failed, newestVersion, newItem, newUpdate, retrying, updateClaimed, updateSettled, withNewVersion } from '../../../../src/platform/outbox/transitions';
import { invitation, OUTBOX_TENANT, recipients } from '../../../support/outboxFixtures';

describe('outbox ids, marker and transitions', () => {
  it('derives the same item id from the same tenant, key and recipient, and a different one otherwise', () => {
    const id = outboxItemId('t1', 'invite:p1:m1', 'u1');
    assert.match(id, /^ob-[0-9a-f]{40}$/);
    assert.equal(outboxItemId('t1', 'invite:p1:m1', 'u1'), id);
    const others = [outboxItemId('t2', 'invite:p1:m1', 'u1'), outboxItemId('t1', 'invite:p1:m2', 'u1'), outboxItemId('t1', 'invite:p1:m1', 'u2')];
    assert.equal(new Set([id, ...others]).size, 4);
  });

  it('puts a fan-out in one shard and spreads fan-outs over all shards', () => {
    const shards = new Set(Array.from({ length: 400 }, (_, i) => shardOf('t1', `invite:p${i}`)));
    assert.deepEqual([...shards].sort(), allShards());
    assert.equal(shardOf('t1', 'invite:p1'), shardOf('t1', 'invite:p1'));
  });

  it('marks every card and channelData without touching the stored activity; only cards are verifiable', () => {
    const activity = invitation();
    const marked = withMarker(activity, 'ob-1');
    assert.equal((marked.channelData as Record<string, unknown>)[MARKER_KEY], 'ob-1');
    assert.equal((marked.channelData as { notification: { alert: boolean } }).notification.alert, true);
    const card = marked.attachments![0]!.content as { metadata: Record<string, string> };
    assert.equal(card.metadata[MARKER_KEY], 'ob-1');
    assert.equal(cardCarriesMarker(JSON.stringify(card), 'ob-1'), true, 'as Graph returns it: JSON text');
    assert.equal(cardCarriesMarker(card, 'ob-2'), false);
    assert.equal(cardCarriesMarker('{not json', 'ob-1'), false);
    assert.equal(JSON.stringify(activity).includes(MARKER_KEY), false);
    assert.equal(isVerifiable(activity), true);
    assert.equal(isVerifiable({ type: 'message', text: 'hi' }), false);
  });

  it('moves an item through claim, retry and sent, dropping content and dueAt once finished', () => {
    const [r] = recipients(1, 'http://127.0.0.1:1/');
    const item = newItem({ id: 'ob-1', shard: 's01', tenantId: OUTBOX_TENANT, messageKey: 'k', recipientId: r!.userId, reference: r!.reference as never, activity: invitation() }, 1_000);
    assert.deepEqual([item.status, item.dueAt, item.attempts, item.inDoubt], ['pending', 1_000, 0, false]);
    const later = newItem({ ...item, activity: invitation() }, 1_000, 5_000);
    assert.equal(later.dueAt, 5_000, 'notBefore');
    const c = claimed(item, 'me', 'a1', 2_000, 60_000);
    assert.deepEqual([c.status, c.dueAt, c.leaseUntil, c.attempts, c.inDoubt, c.claimedBy], ['sending', 62_000, 62_000, 1, true, 'me']);
    const r1 = retrying(c, { code: 'http429', httpStatus: 429 }, false, 1_000, 3_000);
    assert.deepEqual([r1.status, r1.dueAt, r1.inDoubt, r1.leaseUntil], ['pending', 4_000, false, undefined]);
    const s = delivered(claimed(r1, 'me', 'a2', 4_000, 60_000), '1700', false, 4_100, 86_400);
    assert.deepEqual([s.status, s.dueAt, s.activity, s.activityId, s.inDoubt, s.ttl], ['sent', undefined, undefined, '1700', false, 86_400]);
    const f = failed(c, { code: 'http403' }, 5_000, 86_400);
    assert.deepEqual([f.status, f.dueAt, f.activity, f.failureReported], ['failed', 5_000, undefined, false]);
  });
});

describe('outbox conversations, mentions and update transitions', () => {
  it('keys a person by their id and any other conversation by its id; thread ids count against their channel', () => {
    const channel = '19:abc@thread.tacv2';
    const thread = threadConversationId(channel, '1700000000001');
    assert.equal(thread, '19:abc@thread.tacv2;messageid=1700000000001');
    assert.equal(threadConversationId(thread, '1700000000002'), '19:abc@thread.tacv2;messageid=1700000000002', 'a thread of a thread is a thread of the channel');
    assert.deepEqual([baseConversationId(thread), threadRootOf(thread), threadRootOf(channel)], [channel, '1700000000001', undefined]);
    assert.notEqual(outboxItemId('t1', 'k', conversationTargetKey(channel)), outboxItemId('t1', 'k', conversationTargetKey(thread)));
    assert.equal(personTargetKey('u1'), 'u1', 'unchanged from the first outbox: stored item ids stay valid');
  });

  it('accepts person mentions in text and person or tag mentions in cards, each only where its <at> text appears', () => {
    const person = { type: 'mention', text: '<at>Ole</at>', mentioned: { id: 'u1', name: 'Ole' } };
    const tag = { type: 'mention', text: '<at>Nattevagt</at>', mentioned: { id: 'tag-1', name: 'Nattevagt', type: 'tag' } };
    const card = (text: string, entities: unknown[]) => ({
      type: 'message', attachments: [{ contentType: ADAPTIVE_CARD, content: { type: 'AdaptiveCard', body: [{ type: 'TextBlock', text }], msteams: { entities } } }],
    });
    assert.ok(outboxActivitySchema.safeParse({ type: 'message', text: 'Hej <at>Ole</at>', entities: [person] }).success);
    assert.ok(outboxActivitySchema.safeParse(card('<at>Nattevagt</at> og <at>Ole</at>', [tag, person])).success);
    const refused: [string, unknown][] = [
      ['a mention not in the text', { type: 'message', text: 'Hej', entities: [person] }],
      ['a tag mention outside a card', { type: 'message', text: '<at>Nattevagt</at>', entities: [tag] }],
      ['a card mention not in the card', card('Hej', [person])],
      ['mention text that is not <at>…</at>', { type: 'message', text: 'Ole', entities: [{ ...person, text: 'Ole' }] }],
      ['an unknown key in a mention', { type: 'message', text: '<at>Ole</at>', entities: [{ ...person, mentioned: { ...person.mentioned, email: 'x' } }] }],
      ['an unknown key in msteams', { type: 'message', attachments: [{ contentType: ADAPTIVE_CARD, content: { type: 'AdaptiveCard', msteams: { feedback: true } } }] }],
      ['channelData beyond notification', { type: 'message', text: 'x', channelData: { notification: { alert: true }, onBehalfOf: [] } }],
      ['another entity type', { type: 'message', text: 'x', entities: [{ type: 'clientInfo' }] }],
    ];
    for (const [what, activity] of refused) assert.equal(outboxActivitySchema.safeParse(activity).success, false, what);
  });

  it('tells a conversation recipient from a person and names the wrong fields', () => {
    const activity = { type: 'message', text: 'x' };
    assert.ok(recipientSchema.safeParse({ userId: 'u1', activity }).success, 'a person without a stored chat');
    assert.ok(recipientSchema.safeParse({ conversation: { serviceUrl: 'https://smba.example/', conversation: { id: '19:g@thread.v2' } }, activity }).success);
    const bad = recipientSchema.safeParse({ conversation: { serviceUrl: 'not a url', conversation: { id: '19:g@thread.v2' } }, activity });
    assert.equal(bad.success, false);
    assert.deepEqual(bad.error?.issues.map((i) => i.path.join('.')), ['conversation.serviceUrl']);
  });

  it('moves an update only forward: a version arriving while one is sent waits in next, then goes', () => {
    const a1 = invitation('v1');
    const doc = newUpdate({ id: 'ou-1', shard: 's01', tenantId: OUTBOX_TENANT, targetKey: 'activity:c|1', target: { conversationId: 'c', activityId: '1' } }, 10, a1, 'bulk', 1_000);
    assert.deepEqual([doc.status, doc.version, newestVersion(doc)], ['pending', 10, 10]);
    const sending = updateClaimed(doc, 'me', 'a1', 1_100, 60_000);
    const queued = withNewVersion(sending, 12, invitation('v12'), 'bulk', 1_200);
    assert.deepEqual([queued.status, queued.version, queued.next?.version, newestVersion(queued)], ['sending', 10, 12, 12], 'not sent past the one in flight');
    const applied = updateSettled(queued, { applied: true }, 1_300, 86_400);
    assert.deepEqual([applied.status, applied.appliedVersion, applied.version, applied.dueAt, applied.next], ['pending', 10, 12, 1_300, undefined]);
    const done = updateSettled(updateClaimed(applied, 'me', 'a2', 1_400, 60_000), { applied: true }, 1_500, 86_400);
    assert.deepEqual([done.status, done.appliedVersion, done.activity, done.dueAt, newestVersion(done)], ['applied', 12, undefined, undefined, 12]);
    const failed = updateSettled(updateClaimed(withNewVersion(done, 13, a1, 'urgent', 1_600), 'me', 'a3', 1_600, 60_000), { applied: false, error: { code: 'http404' } }, 1_700, 86_400);
    assert.deepEqual([failed.status, failed.appliedVersion, failed.lane, newestVersion(failed)], ['failed', 12, 'urgent', 12], 'a failed version does not count as shown');
    // A lease that ran out with a newer version waiting: the next claim takes the newer one.
    const orphan = { ...withNewVersion(updateClaimed(done, 'x', 'a4', 2_000, 100), 20, invitation('v20'), 'bulk', 2_050), version: 19 };
    const reclaimed = updateClaimed(orphan, 'me', 'a5', 3_000, 60_000);
    assert.deepEqual([reclaimed.version, reclaimed.next, reclaimed.attempts], [20, undefined, 1]);
  });
});
