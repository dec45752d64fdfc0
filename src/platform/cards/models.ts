/** View models shared by every capability's cards, and the platform's own cards (welcome, help, notice). */
import type { Texts } from '../i18n';

export interface Choice {
  title: string;
  value: string;
}
export interface Fact {
  title: string;
  value: string;
}

/** One contact in a list; name and summary are markdown-safe (a TextBlock shows them). */
export interface ContactRow {
  id: string;
  name: string;
  summary: string;
  isYou: boolean;
  youSuffix: string;
}

export interface Limits {
  name: number;
  role: number;
  organisation: number;
  address: number;
  housingUnit: number;
  email: number;
  phone: number;
  reachVia: number;
  dreams: number;
  note: number;
}

/** Good news (saved) in green; anything that needs attention in red. */
export type NoticeColor = 'Good' | 'Attention';

/** One string per input of a form: what the input shows, or its error. */
export type FieldMap<K extends readonly string[]> = Record<K[number], string>;

/** The platform's templates in adaptiveCards/, by name. */
export interface PlatformCardModels {
  welcome: { t: Texts['welcome'] };
  help: { t: Texts['help'] & Pick<Texts['welcome'], 'newPlan' | 'myPlans'>; notice: string };
  notice: { title: string; text: string; color: 'Default' | 'Attention' | 'Good' | 'Warning' };
  confirm: ConfirmModel;
}

/** A button of the confirmation card: its title and the Action.Execute it sends. */
export interface ConfirmButton {
  title: string;
  verb: string;
  data: Record<string, unknown>;
}

/** "Are you sure?" before a destructive action: what will happen, then yes (destructive) or no (nothing changes). */
export interface ConfirmModel {
  title: string;
  subtitle: string;
  question: string;
  /** Markdown list of what happens on "yes"; empty for none. */
  consequences: string;
  yes: ConfirmButton;
  no: ConfirmButton;
}

export const PLATFORM_TEMPLATES = ['welcome', 'help', 'notice', 'confirm'] as const satisfies readonly (keyof PlatformCardModels)[];
