/** View models of the meeting templates in adaptiveCards/ (meeting*.json). */
import type { Fact, NoticeColor } from '../../platform/cards/models';
import type { Texts } from '../../platform/i18n';

export interface ChecklistRow {
  key: string;
  label: string;
  derived: boolean;
  value: 'true' | 'false';
}

export const SCHEDULE_FIELDS = ['date', 'time', 'durationMinutes', 'mode', 'place', 'joinUrl', 'agenda'] as const;
export const DETAIL_FIELDS = ['name', 'role', 'organisation', 'email', 'phone'] as const;

export interface MeetingCardModels {
  meetingSchedule: {
    t: Texts;
    notice: string;
    formError: string;
    reference: string;
    planId: string;
    /** One id per rendered form: a double click or a retry of the same form makes one meeting. */
    formId: string;
    today: string;
    joinUrlHint: string;
    fields: Record<(typeof SCHEDULE_FIELDS)[number], string>;
    errors: Record<(typeof SCHEDULE_FIELDS)[number], string>;
  };
  meetingOrganiser: {
    t: Texts;
    notice: string;
    noticeColor: NoticeColor;
    meetingId: string;
    sequence: number;
    reference: string;
    citizenName: string;
    cancelled: boolean;
    canChange: boolean;
    facts: Fact[];
    agendaList: string;
    tallyLine: string;
    answerList: string;
    hasFailed: boolean;
    failedList: string;
    hasManual: boolean;
    manual: { contactId: string; name: string; icsUrl: string; sentLabel: string; isSent: boolean }[];
    invitationText: string;
    checklistLine: string;
    date: string;
    time: string;
    durationMinutes: number;
    today: string;
    refreshUserIds: string[];
  };
  meetingInvitation: {
    t: Texts;
    notice: string;
    noticeColor: NoticeColor;
    formError: string;
    meetingId: string;
    contactId: string;
    sequence: number;
    intro: string;
    statusLine: string;
    open: boolean;
    facts: Fact[];
    agendaList: string;
    answerLabel: string;
    details: Fact[];
    fields: Record<(typeof DETAIL_FIELDS)[number], string>;
    errors: Record<(typeof DETAIL_FIELDS)[number], string>;
    refreshUserIds: string[];
  };
  meetingChecklist: {
    t: Texts;
    notice: string;
    meetingId: string;
    /** The hand-ticked items as drawn on this card: a save applies only what the user changed. */
    drawn: string;
    when: string;
    progress: Record<'before' | 'during' | 'after', string>;
    before: ChecklistRow[];
    during: ChecklistRow[];
    after: ChecklistRow[];
  };
}

export const MEETING_TEMPLATES = ['meetingSchedule', 'meetingOrganiser', 'meetingInvitation', 'meetingChecklist'] as const satisfies readonly (keyof MeetingCardModels)[];
