/** Deterministic ids and shards, the marker, and the item transitions. */
import { strict as assert } from 'node:assert';
import { allShards, outboxItemId, shardOf } from '../../../../src/platform/outbox/keys';
import { cardCarriesMarker, isVerifiable, MARKER_KEY, withMarker } from '../../../../src/platform/outbox/marker';
import { claimed, delivered, failed, newItem, retrying } from '../../../../src/platform/outbox/transitions';
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
