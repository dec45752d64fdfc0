/** Which meeting a Teams meeting chat belongs to, and which one a leader links. */
import { strict as assert } from 'node:assert';
import type { CoordinationMeeting } from '../../../../src/meetings/domain/meeting';
import { chatIdOf, linkReferenceSchema, meetingForChat, meetingToLink } from '../../../../src/meetings/domain/meetingChat';

const NOW = new Date('2026-03-10T09:00:00.000Z');
const LEADER = 'aad-leader';

function meeting(id: string, startsAt: string, patch: Partial<CoordinationMeeting> = {}): CoordinationMeeting {
  return {
    id, tenantId: 't', planId: 'p', organiser: { userId: LEADER, name: 'L' }, startsAt, durationMinutes: 60, timeZone: 'Europe/Copenhagen',
    mode: 'virtual', agenda: [], status: 'scheduled', sequence: 0, invitations: [], checklist: {}, createdAt: '2026-03-01T00:00:00.000Z', updatedAt: '2026-03-01T00:00:00.000Z',
    ...patch,
  };
}

describe('meeting chat rules', () => {
  it('reads a plan reference in any case, and nothing else', () => {
    assert.equal(linkReferenceSchema.parse(' kip-7k3m-q2xd '), 'KIP-7K3M-Q2XD');
    for (const bad of ['', 'KIP-7K3M', 'KIP-7K3M-Q2XD-1', 'SIP-7K3M-Q2XD', 'KIP-7K3M-Q2X!', '<at>x</at>']) assert.equal(linkReferenceSchema.safeParse(bad).success, false, bad);
  });

  it('a chat is one id however it is reached (a reply thread’s ;messageid= is dropped)', () => {
    assert.equal(chatIdOf('19:meeting_abc@thread.v2;messageid=1700000000000'), '19:meeting_abc@thread.v2');
    assert.equal(chatIdOf('19:meeting_abc@thread.v2'), '19:meeting_abc@thread.v2');
  });

  it('links the nearest upcoming meeting the user organises; over, cancelled and others’ meetings are not candidates', () => {
    const meetings = [
      meeting('later', '2026-03-20T09:00:00.000Z'),
      meeting('soon', '2026-03-12T09:00:00.000Z'),
      meeting('over', '2026-03-09T09:00:00.000Z'),
      meeting('cancelled', '2026-03-11T09:00:00.000Z', { status: 'cancelled' }),
      meeting('others', '2026-03-10T12:00:00.000Z', { organiser: { userId: 'aad-other', name: 'O' } }),
    ];
    assert.equal(meetingToLink(meetings, LEADER, false, NOW)?.id, 'soon');
    assert.equal(meetingToLink(meetings, 'aad-other', false, NOW)?.id, 'others');
    assert.equal(meetingToLink(meetings, 'aad-coordinator', true, NOW)?.id, 'others', 'the plan’s coordinator leads any of them');
    assert.equal(meetingToLink(meetings, 'aad-nobody', false, NOW), undefined);
  });

  it('a meeting under way can still be linked (a leader who adds Samspil after the start)', () => {
    assert.equal(meetingToLink([meeting('now', '2026-03-10T08:30:00.000Z')], LEADER, false, NOW)?.id, 'now');
  });

  it('a chat stands for its scheduled meeting nearest in time, never a cancelled one', () => {
    const linked = [meeting('last', '2026-02-10T09:00:00.000Z'), meeting('next', '2026-03-12T09:00:00.000Z'), meeting('gone', '2026-03-10T09:00:00.000Z', { status: 'cancelled' })];
    assert.equal(meetingForChat(linked, NOW)?.id, 'next');
    assert.equal(meetingForChat(linked, new Date('2026-02-10T10:00:00.000Z'))?.id, 'last');
    assert.equal(meetingForChat([linked[2]!], NOW), undefined);
  });
});
