/** View models of the plan templates in adaptiveCards/ (plan*.json). */
import type { Choice, Fact } from '../../platform/cards/models';
import type { Texts } from '../../platform/i18n';

export interface PlanCardModels {
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
    /** "Hent som Word": only for a member of the network while the plan's documents are available. */
    canDownload: boolean;
    /** The viewer may read the plan's access log ("Hvem har set planen?"). */
    canSeeAccessLog: boolean;
    meetingId: string;
    meetingLine: string;
    checklistLine: string;
    /** Contacts linked to a Teams user, with an undo – only on the organiser's own view. */
    links: { contactId: string; name: string; confirmText: string }[];
    /** The organiser's view of an open plan: withdraw consent, close the plan. */
    canEnd: boolean;
  };
  planWithdraw: {
    t: Texts;
    planId: string;
    heading: string;
    formError: string;
    today: string;
    noteLimit: number;
    /** "All" and each scope the consent still covers; nothing preselected. */
    scopes: Choice[];
    fields: Record<'scope' | 'method' | 'on' | 'note', string>;
    errors: Record<'scope' | 'method' | 'on' | 'note', string>;
  };
  planClose: {
    t: Texts;
    planId: string;
    heading: string;
    formError: string;
    noteLimit: number;
    reasons: Choice[];
    fields: Record<'reason' | 'note', string>;
    errors: Record<'reason' | 'note', string>;
  };
  /** The plan as a Word document: the links the member gets (their own; the organiser's also for the citizen and contacts outside Teams). */
  planDocument: {
    t: Texts;
    intro: string;
    validity: string;
    /** '' when there is none. */
    ownUrl: string;
    citizenUrl: string;
    contacts: { line: string; url: string }[];
  };
  planLinkConfirm: {
    t: Texts;
    planId: string;
    contactId: string;
    intro: string;
    facts: Fact[];
  };
  /** "Who has seen my plan": one fact per entry (when → who – what), newest first. */
  planAccessLog: {
    t: Texts;
    intro: string;
    hasEntries: boolean;
    entries: Fact[];
    /** "Showing the newest n of total", "no entries yet", or ''. */
    note: string;
  };
}

export const PLAN_TEMPLATES = ['planOverview', 'planLinkConfirm', 'planDocument', 'planAccessLog', 'planWithdraw', 'planClose'] as const satisfies readonly (keyof PlanCardModels)[];
