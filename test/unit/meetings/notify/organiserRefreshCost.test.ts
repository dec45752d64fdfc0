/**
 * What the organiser card's refresh asks of the outbox: the invitation fan-out's status only while
 * it can still change, and at most one render per meeting per interval during a burst of answers.
 */
import assert from 'node:assert/strict';
import { scheduleInputSchema, scheduleMeeting, type CoordinationMeeting } from '../../../../src/meetings/domain/meeting';
import { OutboxMeetingNotifier } from '../../../../src/meetings/notify/meetingNotifier';
import type { Outbox, UpdateRequest } from '../../../../src/platform/outbox/outbox';
import type { OutboxReport, OutboxStatus } from '../../../../src/platform/outbox/model';
import { silentLogger } from '../../../../src/platform/logger';
import { OWNER, planWithTeamsNetwork, testEnvironment } from '../../fixtures';

function setup(refreshIntervalMs?: number) {
  const env = testEnvironment('2026-03-10T09:00:00.000Z');
  const plan = planWithTeamsNetwork();
  const input = scheduleInputSchema.parse({ date: '2026-03-20', time: '10:00', durationMinutes: '60', mode: 'inPerson', place: 'Bostedet', agenda: 'Velkomst' });
  const r = scheduleMeeting(plan, input, { userId: OWNER.userId, name: OWNER.name }, { meetingId: 'm-1', timeZone: 'Europe/Copenhagen', now: env.now() });
  assert.equal(r.kind, 'ok');
  const meeting: CoordinationMeeting = { ...(r as { meeting: CoordinationMeeting }).meeting, organiserCard: { activityId: 'act-1', conversationId: 'a:organiser', serviceUrl: 'http://127.0.0.1:9/' } };
  const updates: { at: number; request: UpdateRequest }[] = [];
  let report: { recipientIds: string[]; status: OutboxStatus } = { recipientIds: ['aad-colleague'], status: 'pending' };
  let statusCalls = 0;
  const outbox = {
    status: async (): Promise<OutboxReport> => {
      statusCalls++;
      const counts = { pending: 0, sending: 0, sent: 0, failed: 0 };
      counts[report.status] = report.recipientIds.length;
      return { messageKey: 'k', total: report.recipientIds.length, recipientIds: report.recipientIds, counts, failed: [] };
    },
    update: async (_tenant: string, request: UpdateRequest) => {
      updates.push({ at: Date.now(), request });
      return { itemId: 'u', queued: true };
    },
  } as unknown as Outbox;
  const notifier = new OutboxMeetingNotifier({ outbox, directory: { find: async () => undefined }, icsUrl: () => 'http://x', now: () => env.now(), logger: silentLogger, refreshIntervalMs });
  const at = (minutes: number): CoordinationMeeting => ({ ...meeting, updatedAt: new Date(Date.parse(meeting.updatedAt) + minutes * 60_000).toISOString() });
  return {
    plan, meeting, at, notifier, updates,
    statusCalls: () => statusCalls,
    setReport: (next: typeof report) => (report = next),
  };
}

describe('meetings/notify: what the organiser card refresh costs', () => {
  it('asks the outbox for the invitations\' status while they can change, and no more once every invitee\'s item finished', async () => {
    const s = setup();
    assert.deepEqual(await s.notifier.deliveryStatus(s.plan, s.meeting), { delivered: 0, failedContactIds: [] });
    await s.notifier.deliveryStatus(s.plan, s.meeting);
    assert.equal(s.statusCalls(), 2, 'pending: asked every time');
    s.setReport({ recipientIds: ['aad-colleague'], status: 'sent' });
    assert.deepEqual(await s.notifier.deliveryStatus(s.plan, s.meeting), { delivered: 1, failedContactIds: [] });
    assert.deepEqual(await s.notifier.deliveryStatus(s.plan, s.at(5)), { delivered: 1, failedContactIds: [] });
    assert.equal(s.statusCalls(), 3, 'finished (sent is final): not asked again');
    // A contact who joined Teams since has no item in that report: asked again.
    const joined = { ...s.plan, contacts: s.plan.contacts.map((c) => (c.id === 'relative-1' ? { ...c, teamsUserId: 'aad-new', sector: 'municipality' as const } : c)) };
    const invitedToo = { ...s.meeting, invitations: s.meeting.invitations.map((i) => (i.contactId === 'relative-1' ? { ...i, channel: 'teams' as const } : i)) };
    await s.notifier.deliveryStatus(joined, invitedToo);
    assert.equal(s.statusCalls(), 4);
  });

  it('renders a burst of answers at most once per interval, the newest last', async () => {
    const s = setup(150);
    const started = Date.now();
    await s.notifier.refreshOrganiser(s.plan, s.at(1));
    await new Promise((r) => setImmediate(r));
    for (let m = 2; m <= 8; m++) {
      await s.notifier.refreshOrganiser(s.plan, s.at(m));
      await new Promise((r) => setTimeout(r, 20));
    }
    await s.notifier.settled();
    assert.ok(s.updates.length >= 2 && s.updates.length <= 3, `${s.updates.length} updates for 8 answers`);
    for (let i = 1; i < s.updates.length; i++) assert.ok(s.updates[i]!.at - s.updates[i - 1]!.at >= 140, 'at least the interval apart');
    assert.equal(s.updates.at(-1)!.request.version, Date.parse(s.at(8).updatedAt) * 1_000 + 0, 'the newest render goes last');
    assert.ok(Date.now() - started < 2_000);
  });
});
