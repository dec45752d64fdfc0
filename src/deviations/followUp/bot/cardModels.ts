/** View models of the follow-up templates in adaptiveCards/ (followUp*.json). */
import type { Choice, Fact } from '../../../platform/cards/models';
import { templateRenderer } from '../../../platform/cards/render';
import type { Texts } from '../../../platform/i18n';

export interface FollowUpCardModels {
  /** An overdue action, to the responsible contact. */
  followUpReminder: { t: Texts['followUp']; facts: Fact[]; planId: string };
  /** The coordinator chooses who takes over. */
  followUpHandoverPick: { t: Texts['followUp']; title: string; intro: string; choices: Choice[]; pending: string; notice: string; planId: string; role: string };
  /** The person asked accepts or declines. */
  followUpHandoverAsk: { t: Texts['followUp']; title: string; text: string; planId: string; handoverId: string; role: string };
  /** An administrator sets the escalation contacts per organisation. */
  followUpEscalation: { t: Texts['followUp']; rows: Array<{ text: string; organisation: string; userId: string }>; none: string; notice: string };
}

export const FOLLOW_UP_TEMPLATES = ['followUpReminder', 'followUpHandoverPick', 'followUpHandoverAsk', 'followUpEscalation'] as const satisfies readonly (keyof FollowUpCardModels)[];

/** Renders a follow-up template with its typed model. */
export const render = templateRenderer<FollowUpCardModels>();
