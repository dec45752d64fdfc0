/** View models of the plan templates in adaptiveCards/ (plan*.json). */
import type { Fact } from '../../platform/cards/models';
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
    meetingId: string;
    meetingLine: string;
    checklistLine: string;
    /** Contacts linked to a Teams user, with an undo – only on the organiser's own view. */
    links: { contactId: string; name: string; confirmText: string }[];
  };
  planLinkConfirm: {
    t: Texts;
    planId: string;
    contactId: string;
    intro: string;
    facts: Fact[];
  };
}

export const PLAN_TEMPLATES = ['planOverview', 'planLinkConfirm'] as const satisfies readonly (keyof PlanCardModels)[];
