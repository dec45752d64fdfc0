/**
 * The one place the texts of the platform and of every capability are joined
 * into one table per language (each capability keeps its texts in its folder).
 */
import { followUpTexts } from './deviations/followUp/texts';
import { acuteTexts } from './acute/texts';
import { deviationTexts } from './deviations/texts';
import { guideTexts } from './guide/texts';
import { meetingChatTexts } from './meetings/chatTexts';
import { meetingsTexts } from './meetings/texts';
import { da as coreDa } from './platform/i18n/da';
import { en as coreEn } from './platform/i18n/en';
import { sv as coreSv } from './platform/i18n/sv';
import type { TextsOf } from './platform/i18n/da';
import { documentTexts } from './plans/document/texts';
import { lifecycleTexts } from './plans/lifecycleTexts';
import { plansTexts } from './plans/texts';
import { versionTexts } from './plans/versionTexts';
import { recordTexts } from './meetings/recordTexts';

const da = { ...coreDa, ...guideTexts.da, ...plansTexts.da, ...documentTexts.da, ...lifecycleTexts.da, ...versionTexts.da, ...meetingsTexts.da, ...meetingChatTexts.da, ...followUpTexts.da, ...acuteTexts.da, ...deviationTexts.da, ...recordTexts.da };

/** The shape every language has. */
export type Texts = TextsOf<typeof da>;

/** Every text by language. */
export const TEXTS: Record<'da' | 'en' | 'sv', Texts> = {
  da,
  en: { ...coreEn, ...guideTexts.en, ...plansTexts.en, ...documentTexts.en, ...lifecycleTexts.en, ...versionTexts.en, ...meetingsTexts.en, ...meetingChatTexts.en, ...followUpTexts.en, ...acuteTexts.en, ...deviationTexts.en, ...recordTexts.en },
  sv: { ...coreSv, ...guideTexts.sv, ...plansTexts.sv, ...documentTexts.sv, ...lifecycleTexts.sv, ...versionTexts.sv, ...meetingsTexts.sv, ...meetingChatTexts.sv, ...followUpTexts.sv, ...acuteTexts.sv, ...deviationTexts.sv, ...recordTexts.sv },
};
