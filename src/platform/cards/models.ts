/** Typed view models, one per template in adaptiveCards/. Every field a template reads is here, never undefined. */
import type { Texts } from '../i18n';

export interface Choice {
  title: string;
  value: string;
}
export interface Fact {
  title: string;
  value: string;
}

export interface ContactRow {
  id: string;
  name: string;
  summary: string;
  isYou: boolean;
  youSuffix: string;
}

interface GuideBase {
  t: Texts;
  draftId: string;
  rev: number;
  stepLabel: string;
  notice: string;
  formError: string;
}

export interface Limits {
  name: number;
  role: number;
  organisation: number;
  address: number;
  housingUnit: number;
  email: number;
  phone: number;
  dreams: number;
  note: number;
}

export const CONSENT_FIELDS = ['status', 'method', 'obtainedOn', 'covers', 'note', 'yourRole', 'yourOrganisation', 'yourSector'] as const;
export const MASTER_DATA_FIELDS = ['name', 'dateOfBirth', 'address', 'housingUnit', 'preferredLanguage', 'dreams', 'wishes', 'needs'] as const;
export const CONTACT_FIELDS = ['name', 'role', 'organisation', 'sector', 'email', 'phone'] as const;

type FieldMap<K extends readonly string[]> = Record<K[number], string>;

export interface CardModels {
  welcome: { t: Texts['welcome'] };
  help: { t: Texts['help'] & Pick<Texts['welcome'], 'newPlan' | 'myPlans'>; notice: string };
  notice: { title: string; text: string; color: 'Default' | 'Attention' | 'Good' | 'Warning' };
  guideConsent: GuideBase & {
    ownerName: string;
    today: string;
    limits: Limits;
    sectors: Choice[];
    fields: FieldMap<typeof CONSENT_FIELDS>;
    errors: FieldMap<typeof CONSENT_FIELDS>;
  };
  guideMasterData: GuideBase & {
    today: string;
    limits: Limits;
    languages: Choice[];
    fields: FieldMap<typeof MASTER_DATA_FIELDS>;
    errors: FieldMap<typeof MASTER_DATA_FIELDS>;
  };
  guideNetwork: GuideBase & {
    limits: Limits;
    sectors: Choice[];
    contactsHeading: string;
    contacts: ContactRow[];
    fields: FieldMap<typeof CONTACT_FIELDS>;
    errors: FieldMap<typeof CONTACT_FIELDS>;
  };
  guideContactEdit: GuideBase & {
    contactId: string;
    isYou: boolean;
    limits: Limits;
    sectors: Choice[];
    fields: FieldMap<typeof CONTACT_FIELDS>;
    errors: FieldMap<typeof CONTACT_FIELDS>;
  };
  guideReview: GuideBase & {
    citizenFacts: Fact[];
    voiceFacts: Fact[];
    consentSummary: string;
    networkHeading: string;
    /** Markdown list, one line per contact: a container per contact would not fit 30 contacts in 28 KB. */
    networkList: string;
  };
  planOverview: {
    t: Texts;
    notice: string;
    planId: string;
    citizenName: string;
    facts: Fact[];
    networkHeading: string;
    networkList: string;
    nextStep: string;
    canInvite: boolean;
    meetingId: string;
    meetingLine: string;
    checklistLine: string;
  };
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

/** Good news (saved) in green; anything that needs attention in red. */
export type NoticeColor = 'Good' | 'Attention';

export interface ChecklistRow {
  key: string;
  label: string;
  derived: boolean;
  value: 'true' | 'false';
}

export const SCHEDULE_FIELDS = ['date', 'time', 'durationMinutes', 'mode', 'place', 'joinUrl', 'agenda'] as const;
export const DETAIL_FIELDS = ['name', 'role', 'organisation', 'email', 'phone'] as const;

export type TemplateName = keyof CardModels;
export const TEMPLATE_NAMES: readonly TemplateName[] = [
  'welcome',
  'help',
  'notice',
  'guideConsent',
  'guideMasterData',
  'guideNetwork',
  'guideContactEdit',
  'guideReview',
  'planOverview',
  'meetingSchedule',
  'meetingOrganiser',
  'meetingInvitation',
  'meetingChecklist',
];
