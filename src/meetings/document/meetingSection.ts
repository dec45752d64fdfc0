/**
 * The meetings section of the plan document: the next coordination meeting
 * (when, in which time zone, how, where, called by whom) and the meetings
 * held. Cancelled meetings are left out; the Teams join link is never written
 * into a document that travels by mail. Pure: no I/O.
 */
import type { Locale } from '../../platform/i18n';
import type { Block, SectionContext } from '../../plans/document/documentModel';
import { docText } from '../../plans/document/planSections';
import type { CoordinationMeeting } from '../domain/meeting';

/** A meeting's start in its own time zone, with the zone named (the reader may be elsewhere). */
export function meetingStart(m: Pick<CoordinationMeeting, 'startsAt' | 'timeZone'>, loc: Locale): string {
  return new Intl.DateTimeFormat(loc.tag, {
    weekday: 'long', day: 'numeric', month: 'long', year: 'numeric', hour: '2-digit', minute: '2-digit', timeZoneName: 'short', timeZone: m.timeZone,
  }).format(new Date(m.startsAt));
}

/** The section's blocks from the plan's meetings (any order). */
export function meetingBlocks(meetings: readonly CoordinationMeeting[], ctx: Pick<SectionContext, 'loc' | 'now'>): Block[] {
  const { t } = ctx.loc;
  const now = ctx.now.getTime();
  const held = meetings.filter((m) => m.status === 'scheduled' && Date.parse(m.startsAt) + m.durationMinutes * 60_000 <= now).sort((a, b) => a.startsAt.localeCompare(b.startsAt));
  const next = meetings.filter((m) => m.status === 'scheduled' && Date.parse(m.startsAt) + m.durationMinutes * 60_000 > now).sort((a, b) => a.startsAt.localeCompare(b.startsAt))[0];
  const mode = (m: CoordinationMeeting) => (m.mode === 'virtual' ? t.meeting.virtual : t.meeting.inPerson);
  const blocks: Block[] = [{ kind: 'subheading', text: t.document.nextMeetingTitle }];
  if (next) {
    const rows = [
      { label: t.meeting.when, value: meetingStart(next, ctx.loc) },
      { label: t.meeting.mode, value: mode(next) },
    ];
    if (next.mode === 'inPerson' && next.place) rows.push({ label: t.meeting.where, value: docText(next.place) });
    rows.push({ label: t.meeting.organiser, value: docText(next.organiser.name) });
    blocks.push({ kind: 'facts', rows });
  } else {
    blocks.push({ kind: 'note', text: t.document.noMeeting });
  }
  blocks.push({ kind: 'subheading', text: t.document.heldTitle });
  blocks.push(held.length ? { kind: 'list', items: held.map((m) => `${meetingStart(m, ctx.loc)} – ${mode(m)}`) } : { kind: 'note', text: t.document.noneHeld });
  return blocks;
}
