/**
 * The meetings section of the plan card ("vis plan"): the next meeting and the
 * earlier ones. The plan card knows sections, not meetings: this capability
 * draws its own. Pure: no I/O.
 */
import { plainText } from '../../platform/cards/markdown';
import type { Fact } from '../../platform/cards/models';
import type { Locale } from '../../platform/i18n';
import { format } from '../../platform/i18n';
import type { PlanSection } from '../../plans/bot/cardModels';
import { planSection } from '../../plans/bot/planCardViews';
import type { CoordinationMeeting } from '../domain/meeting';
import { meetingPlace } from './meetingParts';
import { meetingWhen } from './meetingTime';
import { tallyLine } from './organiserView';

/** How many earlier meetings the plan card lists. */
const EARLIER_SHOWN = 5;

const endOf = (m: CoordinationMeeting): number => new Date(m.startsAt).getTime() + m.durationMinutes * 60_000;

/** The plan's meetings as a section of the plan card, as `viewerId` sees it (the organiser can open the next one). */
export function meetingsSection(meetings: CoordinationMeeting[], loc: Locale, viewerId: string, now: Date): PlanSection {
  const t = loc.t.meetingSection;
  const upcoming = meetings.filter((m) => m.status === 'scheduled' && endOf(m) >= now.getTime()).sort((a, b) => a.startsAt.localeCompare(b.startsAt));
  const earlier = meetings
    .filter((m) => !upcoming.includes(m))
    .sort((a, b) => b.startsAt.localeCompare(a.startsAt))
    .slice(0, EARLIER_SHOWN);
  const [next] = upcoming;
  // Facts, each escaped: a value that starts with a Danish date ("12. marts") must not become a numbered list.
  const facts: Fact[] = [];
  for (const m of upcoming) {
    facts.push({ title: m === next ? t.next : '', value: plainText(`${meetingWhen(m, loc)} · ${meetingPlace(m, loc)}`) });
    facts.push({ title: loc.t.meeting.answers, value: tallyLine(m, loc) });
  }
  earlier.forEach((m, i) => facts.push({ title: i === 0 ? t.earlier : '', value: plainText(`${meetingWhen(m, loc)} · ${meetingPlace(m, loc)}${m.status === 'cancelled' ? ` (${t.cancelled})` : ''}`) }));
  return planSection({
    key: 'meetings',
    order: 50,
    title: t.title,
    summary: next ? plainText(format(t.summaryNext, { when: meetingWhen(next, loc) })) : t.summaryNone,
    facts,
    text: meetings.length === 0 ? t.none : '',
    buttons:
      next && next.organiser.userId === viewerId
        ? [{ title: t.open, verb: 'meeting', data: { action: 'organiserView', meetingId: next.id } }]
        : [],
  });
}
