/**
 * The meeting checklists of the model (seed 000 §3.2.2): before, during and
 * after the coordination meeting. Some items follow from the plan itself and
 * tick themselves; the rest are ticked on the card.
 */
import { hasOwnWords, type CarePlan, type PlanSummary } from '../../plans/domain/carePlan';
import type { CoordinationMeeting, MeetingDigest } from './meeting';

export const CHECKLIST = {
  before: ['consent', 'masterData', 'network', 'invitationsSent'],
  during: [
    'leader',
    'noteTaker',
    'attendance',
    'detailsChecked',
    'situationRound',
    'actions',
    'nextDate',
    'coordinator',
    'summary',
    'citizenApproval',
  ],
  after: ['reviewWithCitizen', 'planSentToAll', 'followUpMeeting'],
} as const;

export type ChecklistPhase = keyof typeof CHECKLIST;
export type ChecklistKey = (typeof CHECKLIST)[ChecklistPhase][number];
export const ALL_CHECKLIST_KEYS: readonly ChecklistKey[] = [...CHECKLIST.before, ...CHECKLIST.during, ...CHECKLIST.after];

/** Items that follow from the plan and the invitations: shown, never ticked by hand. */
const DERIVED: ReadonlySet<ChecklistKey> = new Set(['consent', 'masterData', 'network', 'invitationsSent']);

export interface ChecklistItem {
  key: ChecklistKey;
  done: boolean;
  derived: boolean;
}

/** What the derived items need to know of the plan: a whole plan or its summary (the overview card) will do. */
export type ChecklistPlan = Pick<PlanSummary, 'consent' | 'contacts'> & { citizen: Pick<CarePlan['citizen'], 'name'> } & Parameters<typeof hasOwnWords>[0];

export interface ChecklistView {
  phase: ChecklistPhase;
  items: ChecklistItem[];
  done: number;
  total: number;
}

/**
 * The checklist of one phase. `teamsInvitationsDelivered` is how many Teams
 * invitations the outbox has delivered (the domain does not know the outbox).
 */
export function checklistOf(
  phase: ChecklistPhase,
  plan: ChecklistPlan,
  meeting: Pick<MeetingDigest, 'checklist' | 'invitations' | 'organiserContactId'>,
  teamsInvitationsDelivered: number,
): ChecklistView {
  const derived: Partial<Record<ChecklistKey, boolean>> = {
    consent: plan.consent.status === 'given',
    masterData: !!plan.citizen.name && hasOwnWords(plan),
    network: plan.contacts.length >= 2,
    invitationsSent: invitationsSent(meeting, teamsInvitationsDelivered),
  };
  const items = CHECKLIST[phase].map((key) => ({
    key,
    derived: DERIVED.has(key),
    done: DERIVED.has(key) ? derived[key] === true : key in meeting.checklist,
  }));
  return { phase, items, done: items.filter((i) => i.done).length, total: items.length };
}

function invitationsSent(meeting: Pick<MeetingDigest, 'invitations' | 'organiserContactId'>, delivered: number): boolean {
  const others = meeting.invitations.filter((i) => i.contactId !== meeting.organiserContactId);
  const teams = others.filter((i) => i.channel === 'teams').length;
  const manualDone = others.filter((i) => i.channel === 'manual').every((i) => i.manualSentAt !== undefined);
  return delivered >= teams && manualDone;
}

/** Ticks or unticks a hand-ticked item; derived items cannot be changed. */
export function toggleChecklistItem(
  meeting: CoordinationMeeting,
  key: ChecklistKey,
  done: boolean,
  by: string,
  now: Date,
): CoordinationMeeting | undefined {
  if (DERIVED.has(key)) return undefined;
  const checklist = { ...meeting.checklist };
  if (done) checklist[key] = checklist[key] ?? { by, at: now.toISOString() };
  else delete checklist[key];
  return { ...meeting, checklist, updatedAt: now.toISOString() };
}

/** The unticked items of a phase, for reminders. */
export function openItems(view: ChecklistView): ChecklistKey[] {
  return view.items.filter((i) => !i.done).map((i) => i.key);
}
