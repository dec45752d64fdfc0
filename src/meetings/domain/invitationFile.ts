/**
 * What travels to a contact outside Teams as a calendar file, and when its
 * link still holds. Pure: no I/O.
 *
 * The file leaves every system we control: it is attached to a secure mail,
 * then imported into whatever calendar the person uses and synced on from
 * there. So it carries only what a calendar entry needs and nothing about the
 * citizen: the plan's reference, the time, the join link (virtual) or the
 * place (in person, unless the place names the citizen or where they live),
 * a fixed text pointing to the secure mail, and the organiser (name and
 * mailto). No attendees (the recipient may be the citizen), no agenda or other
 * free text, no organisation or sector.
 */
import { mayShareWith, type CarePlan, type Citizen } from '../../plans/domain/carePlan';
import type { CoordinationMeeting } from './meeting';
import { ICS_TIME_ZONES, IcsTimeZone, icsMediaType, meetingToIcs } from './ics';

/** The zone the meeting's calendar file and secure-mail text are written in: the meeting's own, if a calendar file can carry it, else Danish time. */
export function calendarTimeZone(meeting: Pick<CoordinationMeeting, 'timeZone'>): IcsTimeZone {
  return (ICS_TIME_ZONES as readonly string[]).includes(meeting.timeZone) ? (meeting.timeZone as IcsTimeZone) : 'Europe/Copenhagen';
}

/** Which file a download link is for: one contact's file for one version of the meeting. */
export interface IcsLinkTarget {
  tenantId: string;
  meetingId: string;
  contactId: string;
  /** The meeting's SEQUENCE when the link was made: a move or a cancellation revokes the link. */
  sequence: number;
  /** The invitation, or (after a cancellation) the file that cancels it. */
  kind: 'invitation' | 'cancellation';
}

/** The link the organiser's card offers for a contact now. */
export function icsLinkTarget(meeting: Pick<CoordinationMeeting, 'tenantId' | 'id' | 'sequence' | 'status'>, contactId: string): IcsLinkTarget {
  return {
    tenantId: meeting.tenantId,
    meetingId: meeting.id,
    contactId,
    sequence: meeting.sequence,
    kind: meeting.status === 'cancelled' ? 'cancellation' : 'invitation',
  };
}

/**
 * Whether a (validly signed, unexpired) link still gives its file: not after
 * the meeting was moved or cancelled (a new link is on the organiser's card),
 * nor once the contact is out of the plan or the invitation, nor once the
 * citizen's consent no longer covers them, nor when the plan is locked
 * (consent withdrawn) or closed.
 */
export function isLinkCurrent(target: IcsLinkTarget, meeting: CoordinationMeeting, plan: CarePlan): boolean {
  if (meeting.planId !== plan.id || meeting.tenantId !== target.tenantId) return false;
  if (meeting.sequence !== target.sequence || icsLinkTarget(meeting, target.contactId).kind !== target.kind) return false;
  // The plans' one rule for what may still go to a contact (open plan, consent covering them).
  const contact = plan.contacts.find((c) => c.id === target.contactId);
  if (!contact || !mayShareWith(plan, contact)) return false;
  return meeting.invitations.some((i) => i.contactId === target.contactId);
}

export interface InvitationFileTexts {
  /** "Koordinationsmøde": the SUMMARY, followed by the plan's reference. */
  title: string;
  /** A fixed text pointing to the secure mail for the agenda and the rest. */
  description: string;
}

export interface InvitationFile {
  ics: string;
  mediaType: string;
  filename: string;
}

/**
 * The calendar file for the meeting as it is now (PUBLISH, or CANCEL once
 * cancelled). The ORGANIZER is the organiser's own e-mail from the plan, else
 * `fallbackOrganizerEmail`; with neither, the file has no ORGANIZER and hence
 * no METHOD (iTIP requires an ORGANIZER for every method): a plain calendar
 * object that clients import, the cancellation as STATUS:CANCELLED.
 */
export function invitationFile(
  plan: CarePlan,
  meeting: CoordinationMeeting,
  texts: InvitationFileTexts,
  opts: { fallbackOrganizerEmail?: string; now: Date },
): InvitationFile {
  const cancelled = meeting.status === 'cancelled';
  const organiserEmail = plan.contacts.find((c) => c.id === meeting.organiserContactId)?.email ?? opts.fallbackOrganizerEmail;
  const method = organiserEmail ? (cancelled ? 'CANCEL' : 'PUBLISH') : undefined;
  const zone = calendarTimeZone(meeting);
  const place = meeting.mode === 'inPerson' && meeting.place && !mentionsCitizen(meeting.place, plan.citizen) ? meeting.place : undefined;
  const ics = meetingToIcs({
    uid: `${meeting.id}@samspil`,
    sequence: meeting.sequence,
    method,
    status: cancelled ? 'CANCELLED' : 'CONFIRMED',
    start: meeting.startsAt,
    durationMinutes: meeting.durationMinutes,
    timeZone: zone,
    summary: `${texts.title} (${plan.reference})`,
    description: texts.description,
    location: place,
    joinUrl: meeting.mode === 'virtual' ? meeting.joinUrl : undefined,
    organizer: organiserEmail ? { name: meeting.organiser.name, email: organiserEmail } : undefined,
    attendees: [],
    now: opts.now,
  });
  return { ics, mediaType: icsMediaType(method), filename: `${plan.reference}.ics` };
}

/**
 * Whether a text names the citizen or where they live: a word of their name
 * (3 letters or more), their address or its street, or their housing unit or
 * a word of its name (4 letters or more). Errs on the side of yes: a place
 * that matches is left out of the calendar file (it is still in the secure mail).
 */
export function mentionsCitizen(text: string, citizen: Pick<Citizen, 'name' | 'address' | 'housingUnit'>): boolean {
  const haystack = ` ${words(text).join(' ')} `;
  const has = (phrase: string[]) => phrase.length > 0 && haystack.includes(` ${phrase.join(' ')} `);
  const name = words(citizen.name);
  const address = words(citizen.address ?? '');
  const street = words((citizen.address ?? '').split(/\d/)[0] ?? '');
  const unit = words(citizen.housingUnit ?? '');
  return (
    name.some((w) => w.length >= 3 && has([w])) ||
    has(address) ||
    (street.join('').length >= 4 && has(street)) ||
    has(unit) ||
    unit.some((w) => w.length >= 4 && has([w]))
  );
}

/** Lower-case words of letters and digits (Danish and Swedish letters included). */
function words(text: string): string[] {
  return text.toLocaleLowerCase('da').split(/[^\p{L}\p{N}]+/u).filter(Boolean);
}
