/**
 * Which coordination meeting a Teams meeting chat belongs to, and who may link
 * one. Pure: no I/O.
 */
import { z } from 'zod';
import type { CoordinationMeeting } from './meeting';
import { isOpen } from './meeting';

/** A plan's reference as typed after "tilknyt" (any case): KIP-7K3M-Q2XD. */
export const linkReferenceSchema = z
  .string()
  .trim()
  .toUpperCase()
  .regex(/^KIP-[0-9A-Z]{4}-[0-9A-Z]{4}$/);

/**
 * The chat's id from a conversation id: a reply thread's `;messageid=…` is
 * dropped (Teams adds it for replies), so a chat is one id however it is reached.
 */
export function chatIdOf(conversationId: string): string {
  return conversationId.split(';')[0]!;
}

/**
 * The meeting a leader links a chat to: of the plan's meetings that are
 * scheduled and not over, those `userId` may lead (their organiser, or the
 * plan's coordinator), the nearest upcoming one.
 */
export function meetingToLink(
  meetings: readonly CoordinationMeeting[],
  userId: string,
  isCoordinator: boolean,
  now: Date,
): CoordinationMeeting | undefined {
  return meetings
    .filter((m) => isOpen(m, now) && (isCoordinator || m.organiser.userId === userId))
    .sort((a, b) => a.startsAt.localeCompare(b.startsAt))[0];
}

/**
 * The meeting a chat stands for, of those linked to it: a scheduled one whose
 * start is nearest to `now` (a chat reused for the next meeting moves on with it).
 */
export function meetingForChat<M extends Pick<CoordinationMeeting, 'status' | 'startsAt'>>(meetings: readonly M[], now: Date): M | undefined {
  const distance = (m: M) => Math.abs(new Date(m.startsAt).getTime() - now.getTime());
  return meetings.filter((m) => m.status === 'scheduled').sort((a, b) => distance(a) - distance(b))[0];
}
