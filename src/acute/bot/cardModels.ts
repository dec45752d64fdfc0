/** View models of the acute line's cards (templates adaptiveCards/acute*.json). */
import type { Choice, Fact } from '../../platform/cards/models';
import type { Texts } from '../../platform/i18n';

type T = Texts['acute'];

/** Fields of a form: what each input shows, and its error sentence. */
type Form<K extends string> = { fields: Record<K, string>; errors: Record<K, string>; formError: string };

export interface AcuteCardModels {
  acuteRegister: { t: T; labels: { unitName: string; escalationMinutes: string }; limits: { unitName: number } } & Form<'name' | 'tagId' | 'tagName' | 'personId' | 'personName' | 'managerId' | 'managerName' | 'escalationMinutes'>;
  acuteUnits: { t: T; notice: string; units: { id: string; line: string; removeTitle: string; removable: boolean }[] };
  acuteCompose: { t: T; labels: { message: string; whatToDo: string }; formId: string; units: Choice[]; urgencies: Choice[] } & Form<'units' | 'text' | 'urgency' | 'whatToDo' | 'planReference'>;
  /** A post in a unit's channel: only the acute team's text, what to do, and a plan's reference – never a citizen's name. */
  acutePost: {
    t: T; title: string; color: 'Attention' | 'Default'; mentionLine: string; text: string; facts: Fact[];
    escalated: string; noAnswer: string; acknowledgements: { line: string }[]; notice: string;
    messageId: string; unitId: string; hasReference: boolean;
  };
  acuteStatus: { t: T; sentLine: string; text: string; units: { name: string; state: string }[] };
  acuteHelpForm: { t: T; labels: { need: string }; unitId: string; unitName: string; formId: string; urgencies: Choice[] } & Form<'need' | 'urgency' | 'callBack'>;
  acuteHelp: { t: T; color: 'Attention' | 'Default'; facts: Fact[]; need: string; state: string; stateColor: 'Good' | 'Attention'; notice: string; canTake: boolean; helpId: string };
}

export const ACUTE_TEMPLATES = ['acuteRegister', 'acuteUnits', 'acuteCompose', 'acutePost', 'acuteStatus', 'acuteHelpForm', 'acuteHelp'] as const satisfies readonly (keyof AcuteCardModels)[];
