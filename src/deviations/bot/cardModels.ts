/** View models of the deviation templates in adaptiveCards/ (deviation*.json). */
import type { Choice, Fact } from '../../platform/cards/models';
import type { Texts } from '../../platform/i18n';

type NoticeColor = 'Default' | 'Good' | 'Attention' | 'Warning';

/** One open action on "mine opgaver"; `noteId` names its note input (unique on the card). */
export interface TaskRow {
  planId: string;
  actionId: string;
  what: string;
  facts: Fact[];
  noteId: string;
}

export interface DeviationCardModels {
  deviationTasks: { t: Texts; notice: string; noticeColor: NoticeColor; intro: string; noteLabel: string; tasks: TaskRow[]; more: string };
  deviationReport: {
    t: Texts;
    title: string;
    formId: string;
    planId: string;
    actionId: string;
    help: boolean;
    helpFlag: string;
    whatLabel: string;
    suggestionLabel: string;
    facts: Fact[];
    categoryChoices: Choice[];
    urgencyChoices: Choice[];
    fields: Record<'what' | 'category' | 'urgency' | 'suggestion' | 'warningSignId', string>;
    errors: Record<'what' | 'category' | 'urgency' | 'suggestion', string>;
    hasSigns: boolean;
    /** The warning signs and what was agreed, as a markdown list (escaped). */
    signList: string;
    signChoices: Choice[];
  };
  deviationCard: {
    t: Texts;
    title: string;
    titleColor: NoticeColor;
    intro: string;
    notice: string;
    noticeColor: NoticeColor;
    deviationId: string;
    revision: number;
    facts: Fact[];
    what: string;
    suggestion: string;
    signText: string;
    history: Fact[];
    /** A coordinator's view of a deviation that is not closed: inform, follow-up, close. */
    canHandle: boolean;
    canAcknowledge: boolean;
    /** Somebody else in the network is in Teams to inform. */
    canInform: boolean;
    contactChoices: Choice[];
    informLabel: string;
    informDefault: string;
    resolutionLabel: string;
    /** Universal Actions refresh: the card re-renders for these users (MRIs) when they open it. */
    refreshUserIds: string[];
  };
}

export const DEVIATION_TEMPLATES = ['deviationTasks', 'deviationReport', 'deviationCard'] as const satisfies readonly (keyof DeviationCardModels)[];
