/**
 * Pieces every meeting card shows: the facts (when, where, join link,
 * organiser), the agenda, an answer in words, form fields and their errors.
 * Pure. Every value people typed is escaped (Teams renders markdown in
 * TextBlocks and Facts).
 */
import type { Contact } from '../../plans/domain/carePlan';
import type { CoordinationMeeting, Invitation } from '../domain/meeting';
import { Locale, format } from '../../platform/i18n';
import type { Fact } from '../../platform/cards/models';
import { templateRenderer } from '../../platform/cards/render';
import { errorText, formatCount } from '../../platform/cards/views';
import { bulletList, inlineText, markdownLink, plainText } from '../../platform/cards/markdown';
import { interpreterNote } from '../../plans/bot/planViews';
import { meetingWhen } from './meetingTime';
import type { MeetingCardModels } from './cardModels';

/** Renders the meeting templates. */
export const render = templateRenderer<MeetingCardModels>();

/** Teams identifies users in card refresh by MRI; for Azure AD users that is 8:orgid:<object id>. */
export const mriOf = (aadObjectId: string): string => `8:orgid:${aadObjectId}`;

/** The agenda as a markdown list of what the organiser typed. */
export const agendaList = (agenda: string[]): string => bulletList(agenda.map(inlineText));

/** A number as the language writes it ("2.000"). */
export const number = (n: number, loc: Locale): string => formatCount(n, loc);

/** Where the meeting is: in Teams, or the place as the organiser typed it (plain text). */
export function meetingPlace(meeting: Pick<CoordinationMeeting, 'mode' | 'place'>, loc: Locale): string {
  return meeting.mode === 'virtual' ? loc.t.meeting.virtual : (meeting.place ?? loc.t.meeting.inPerson);
}

/**
 * When, where (for a virtual meeting the join link, shown once), and
 * who called it. A cancelled meeting has no link and no Teams-meeting status.
 */
export function meetingFacts(meeting: CoordinationMeeting, loc: Locale): Fact[] {
  const { t } = loc;
  const open = meeting.status !== 'cancelled';
  const facts: Fact[] = [{ title: t.meeting.when, value: plainText(meetingWhen(meeting, loc)) }];
  if (meeting.mode === 'virtual' && meeting.joinUrl && open) facts.push({ title: t.meeting.teamsMeeting, value: markdownLink(t.meeting.join, meeting.joinUrl) });
  else facts.push({ title: t.meeting.where, value: plainText(meetingPlace(meeting, loc)) });
  if (!meeting.joinUrl && meeting.onlineStatus && open) facts.push({ title: t.meeting.teamsMeeting, value: meeting.onlineStatus === 'creating' ? t.meeting.onlineCreating : t.meeting.onlineFailed });
  facts.push({ title: t.meeting.organiser, value: plainText(meeting.organiser.name) });
  return facts;
}

/**
 * A text shortened for display with a visible "…" (0: left out); what is
 * stored is never cut. Only used when a card would not fit Teams' size limit.
 */
export function shortened(value: string, max?: number): string {
  if (max === undefined || value.length <= max) return value;
  return max === 0 ? '' : `${value.slice(0, Math.max(1, max - 1)).trimEnd()}…`;
}

/** "Kommer", "Afbud (ferie)", "Sender en anden (Bo, kontaktperson)", "Kommer (noteret af Nina: ringede)": markdown-safe. */
export function answerText(i: Invitation, loc: Locale, maxExtra?: number): string {
  const { t } = loc;
  const said =
    i.response === 'substitute' && i.substitute
      ? [i.substitute.name, i.substitute.role].filter(Boolean).join(', ')
      : i.response === 'apologies' && i.reason
        ? i.reason
        : undefined;
  const recorded = i.recordedBy && [format(t.meeting.recordedBy, { name: i.recordedBy.name }), i.note].filter(Boolean).join(': ');
  const extra = shortened([said, recorded].filter(Boolean).join('; '), maxExtra);
  return `${t.meeting.response[i.response]}${extra ? ` (${inlineText(extra)})` : ''}`;
}

/** One line of the answer list: the name in bold, then the answer. */
export function responseLine(contact: Contact | undefined, i: Invitation, loc: Locale, fit: { name?: number; text?: number } = {}): string {
  return `**${inlineText(shortened(contact?.name ?? '—', fit.name))}** – ${answerText(i, loc, fit.text)}`;
}

/** How to reach a contact outside Teams, for the organiser: role, phone, e-mail, via whom, interpreter (plain text). */
export function reachDetails(c: Contact, loc: Locale): string {
  const { t } = loc;
  return [
    c.role || t.enums.sector[c.sector],
    c.phone && `${t.network.phone}: ${c.phone}`,
    c.email && `${t.network.email}: ${c.email}`,
    c.reachVia && `${t.network.reachViaShort}: ${c.reachVia}`,
    interpreterNote(c, loc),
  ]
    .filter(Boolean)
    .join(' · ');
}

/** Each form field's value as the card shows it. */
export const fieldsOf = <K extends readonly string[]>(keys: K, values?: Record<string, string | undefined>) =>
  Object.fromEntries(keys.map((k) => [k, values?.[k] ?? ''])) as Record<K[number], string>;

/** Each form field's error sentence (empty when fine). */
export const errorsOf = <K extends readonly string[]>(keys: K, loc: Locale, errors?: Record<string, string>) =>
  Object.fromEntries(keys.map((k) => [k, errorText(errors?.[k] ?? '', loc)])) as Record<K[number], string>;
