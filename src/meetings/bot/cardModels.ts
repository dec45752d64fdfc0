/** View models of the meeting templates in adaptiveCards/ (meeting*.json). */
import type { Choice, Fact, NoticeColor } from '../../platform/cards/models';
import type { Texts } from '../../platform/i18n';

export interface ChecklistRow {
  key: string;
  label: string;
  derived: boolean;
  value: 'true' | 'false';
}

export const SCHEDULE_FIELDS = ['date', 'time', 'durationMinutes', 'mode', 'place', 'joinUrl', 'agenda'] as const;
export const DETAIL_FIELDS = ['name', 'role', 'organisation', 'email', 'phone'] as const;
/** The invitee's answer forms (apologies, someone else): kept with their errors when the answer is refused. */
export const ANSWER_FIELDS = ['reason', 'substituteName', 'substituteRole', 'substituteEmail'] as const;
/** The organiser's forms on their card: cancelling (with a reason) and recording an answer from outside Teams. */
export const ORGANISER_FIELDS = ['cancelReason', 'recordContactId', 'recordResponse', 'recordNote'] as const;

/** A contact outside Teams on the organiser's secure-mail list. All strings markdown-safe. */
export interface ManualRow {
  contactId: string;
  name: string;
  /** Role, phone, e-mail, how to reach them, interpreter. */
  details: string;
  icsUrl: string;
  sentLabel: string;
  isSent: boolean;
}

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
    /** Labels that say the zone, the limits, and when a field is required. */
    labels: { time: string; duration: string; place: string; joinUrl: string; agenda: string };
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
    /** Said once: the cancellation with its date, who and why. */
    cancelledLine: string;
    /** The viewer is the organiser and the meeting is not cancelled: move, cancel, record answers. */
    canChange: boolean;
    facts: Fact[];
    agendaList: string;
    tallyLine: string;
    showAnswersTitle: string;
    answerList: string;
    /** Said when long texts are shortened to fit Teams' size limit. */
    shortenedLine: string;
    hasFailed: boolean;
    failedList: string;
    /** The secure-mail list (the organiser's task, shown to them only); folded. */
    hasManual: boolean;
    manualLine: string;
    showManualTitle: string;
    manualIntro: string;
    manual: ManualRow[];
    textTitle: string;
    invitationText: string;
    canRecord: boolean;
    recordChoices: Choice[];
    checklistLine: string;
    date: string;
    time: string;
    durationMinutes: number;
    today: string;
    labels: { time: string; duration: string; cancelReason: string; recordNote: string };
    fields: Record<(typeof ORGANISER_FIELDS)[number], string>;
    errors: Record<(typeof ORGANISER_FIELDS)[number], string>;
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
    /** Said once on a cancelled meeting: that it is cancelled, and why when the organiser said so. */
    statusLine: string;
    open: boolean;
    facts: Fact[];
    agendaList: string;
    answerLabel: string;
    details: Fact[];
    reasonLabel: string;
    fields: Record<(typeof DETAIL_FIELDS)[number] | (typeof ANSWER_FIELDS)[number], string>;
    errors: Record<(typeof DETAIL_FIELDS)[number] | (typeof ANSWER_FIELDS)[number], string>;
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
  /** "indkald" (or an old "Indkald til møde" button) on a plan whose meeting has not been held yet. */
  meetingExists: {
    t: Texts;
    text: string;
    planId: string;
    meetingId: string;
  };
}

export const MEETING_TEMPLATES = ['meetingSchedule', 'meetingOrganiser', 'meetingInvitation', 'meetingChecklist', 'meetingExists'] as const satisfies readonly (keyof MeetingCardModels)[];
