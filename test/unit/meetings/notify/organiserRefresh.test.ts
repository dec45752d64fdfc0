/**
 * The organiser's live card after a click: queued, not waited for by the
 * click, and coalesced per meeting – a burst of answers is one or two
 * outbox updates, the last one the newest render.
 */
import assert from 'node:assert/strict';
import { scheduleInputSchema, scheduleMeeting, type CoordinationMeeting } from '../../../../src/meetings/domain/meeting';
import { OutboxMeetingNotifier } from '../../../../src/meetings/notify/meetingNotifier';
import type { Outbox, UpdateRequest } from '../../../../src/platform/outbox/outbox';
import { silentLogger } from '../../../../src/platform/logger';
import { OWNER, samplePlan, testEnvironment } from '../../fixtures';

function setup() {
  const env = testEnvironment('2026-03-10T09:00:00.000Z');
  const plan = samplePlan(env);
  const input = scheduleInputSchema.parse({ date: '2026-03-20', time: '10:00', durationMinutes: '60', mode: 'inPerson', place: 'Bostedet', agenda: 'Velkomst' });
  const r = scheduleMeeting(plan, input, { userId: OWNER.userId, name: OWNER.name }, { meetingId: 'm-1', timeZone: 'Europe/Copenhagen', now: env.now() });
  assert.equal(r.kind, 'ok');
  const meeting: CoordinationMeeting = { ...(r as { meeting: CoordinationMeeting }).meeting, organiserCard: { activityId: 'act-1', conversationId: 'a:organiser', serviceUrl: 'http://127.0.0.1:9/' } };
  const updates: UpdateRequest[] = [];
  let release: () => void = () => undefined;
  const outbox = {
    status: async () => ({ messageKey: 'k', total: 0, recipientIds: [], counts: { pending: 0, sending: 0, sent: 0, failed: 0 }, failed: [] }),
    update: async (_tenant: string, request: UpdateRequest) => {
      updates.push(request);
      // The first update hangs until released: the click must not be waiting for it.
      if (updates.length === 1) await new Promise<void>((resolve) => (release = resolve));
      return { itemId: 'u', queued: true };
    },
  } as unknown as Outbox;
  const notifier = new OutboxMeetingNotifier({ outbox, directory: { find: async () => undefined }, icsUrl: () => 'http://x', now: () => env.now(), logger: silentLogger });
  const at = (minutes: number): CoordinationMeeting => ({ ...meeting, updatedAt: new Date(Date.parse(meeting.updatedAt) + minutes * 60_000).toISOString() });
  return { plan, meeting, at, notifier, updates, release: () => release() };
}

describe('meetings/notify: the organiser card refresh', () => {
  it('returns to the click before the outbox is asked, and a burst is coalesced to the newest render', async () => {
    const s = setup();
    await s.notifier.refreshOrganiser(s.plan, s.at(1));
    assert.equal(s.updates.length, 0, 'nothing asked of the outbox inside the click');
    await new Promise((r) => setImmediate(r));
    assert.equal(s.updates.length, 1, 'the first refresh runs once the click is done');
    // Five more answers while the first update is still on its way; one arrives out of order.
    for (const minutes of [2, 3, 6, 4, 5]) await s.notifier.refreshOrganiser(s.plan, s.at(minutes));
    s.release();
    await s.notifier.settled();
    assert.equal(s.updates.length, 2, 'the burst is one more update');
    assert.ok(s.updates[1]!.version > s.updates[0]!.version, 'the newest render (minute 6) goes last');
    assert.equal(s.updates[1]!.version, Math.floor(Date.parse(s.at(6).updatedAt)) * 1_000);
  });

  it('a meeting without an organiser card queues nothing', async () => {
    const s = setup();
    await s.notifier.refreshOrganiser(s.plan, { ...s.meeting, organiserCard: undefined });
    await s.notifier.settled();
    assert.equal(s.updates.length, 0);
  });
});
