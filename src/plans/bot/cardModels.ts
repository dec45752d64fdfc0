/** View models of the plan templates in adaptiveCards/ (plan*.json). */
import type { Choice, Fact, FieldMap } from '../../platform/cards/models';
import type { Texts } from '../../platform/i18n';
import type { CONTACT_KEYS, MASTER_DATA_KEYS } from '../domain/planEdits';

/** A button in a section of the plan card (any capability's verb). */
export interface SectionButton {
  title: string;
  verb: string;
  data: Record<string, string>;
}

/**
 * One foldable section of the plan card. The plan's own sections (master data,
 * the citizen's words, consent, network, history) and those other
 * capabilities contribute (meetings today; actions, coordinator, early warning
 * signs later) all have this shape. Every text is shown as markdown: whoever
 * builds a section escapes what users typed (plainText/inlineText,
 * src/platform/cards/markdown.ts).
 */
export interface PlanSection {
  /** Unique on the card, letters only (it names the elements the fold toggles). */
  key: string;
  /** Place on the card: lower first. The plan's own: 10 master data, 20 the citizen's words, 30 consent, 40 network, 90 history. */
  order: number;
  title: string;
  /** One line shown also while folded ('' for none). */
  summary: string;
  /** Unfolded when the card opens. */
  open: boolean;
  facts: Fact[];
  paragraphs: { heading: string; text: string }[];
  /** Markdown, e.g. a list. */
  text: string;
  /** A small line under the content. */
  note: string;
  buttons: SectionButton[];
}

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
  planCard: {
    t: Texts;
    notice: string;
    noticeColor: 'Default' | 'Good' | 'Attention';
    planId: string;
    citizenName: string;
    facts: Fact[];
    /** With the ids each fold shows or hides: the body, "Vis"/"Skjul", and the summary line (shown only while folded). */
    sections: (PlanSection & { targets: string[] })[];
    /** The organiser's buttons (edit master data, the network). */
    canEdit: boolean;
    /** The viewer's own contact when they may correct it (not the organiser, who edits from the network card); '' otherwise. */
    ownContactId: string;
  };
  planMasterDataEdit: {
    t: Texts;
    planId: string;
    citizenName: string;
    notice: string;
    formError: string;
    /** Fingerprints of the values as drawn: a save applies only what the user changed. */
    drawn: string;
    today: string;
    languages: Choice[];
    labels: FieldMap<typeof MASTER_DATA_KEYS>;
    fields: FieldMap<typeof MASTER_DATA_KEYS>;
    errors: FieldMap<typeof MASTER_DATA_KEYS>;
  };
  planContactEdit: {
    t: Texts;
    planId: string;
    citizenName: string;
    mode: 'add' | 'edit';
    contactId: string;
    /** The add form's id: the new contact's id derives from it, so a second click adds nothing. */
    formId: string;
    title: string;
    intro: string;
    notice: string;
    formError: string;
    drawn: string;
    canEditSector: boolean;
    sectorText: string;
    sectors: Choice[];
    /** "No interpreter", then the languages. */
    interpreters: Choice[];
    labels: FieldMap<typeof CONTACT_KEYS>;
    fields: FieldMap<typeof CONTACT_KEYS>;
    errors: FieldMap<typeof CONTACT_KEYS>;
    canRemove: boolean;
    removeConfirm: string;
    removeYes: string;
    backTitle: string;
    backAction: 'network' | 'show';
  };
  planNetwork: {
    t: Texts;
    planId: string;
    citizenName: string;
    heading: string;
    notice: string;
    noticeColor: 'Default' | 'Good' | 'Attention';
    /** One tappable row per contact: "**name** – role · organisation · sector · e-mail · phone". */
    contacts: { id: string; text: string; editTitle: string }[];
    canAdd: boolean;
  };
  planPick: {
    t: Texts;
    plans: { planId: string; name: string; line: string }[];
    more: string;
  };
}

export const PLAN_TEMPLATES = [
  'planOverview',
  'planLinkConfirm',
  'planDocument',
  'planAccessLog',
  'planWithdraw',
  'planClose',
  'planCard',
  'planMasterDataEdit',
  'planContactEdit',
  'planNetwork',
  'planPick',
] as const satisfies readonly (keyof PlanCardModels)[];
