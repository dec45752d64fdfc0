/** View models of the guide's templates in adaptiveCards/ (guide*.json). Every field a template reads is here. */
import type { Choice, ContactRow, Fact, FieldMap, Limits } from '../../platform/cards/models';
import type { Texts } from '../../platform/i18n';

interface GuideBase {
  t: Texts;
  draftId: string;
  rev: number;
  stepLabel: string;
  notice: string;
  /** A notice that is news (resumed, saved) is not red; a refusal or a stale card is. */
  noticeColor: 'Default' | 'Good' | 'Attention';
  formError: string;
  /** "(højst 2.000 tegn)" for the free texts: said before the limit is reached, never enforced by cutting. */
  limitHints: Record<'note' | 'address' | 'dreams' | 'wishes' | 'needs' | 'reachVia', string>;
}

export const CONSENT_FIELDS = ['status', 'method', 'obtainedOn', 'covers', 'note', 'yourRole', 'yourOrganisation', 'yourSector'] as const;
export const MASTER_DATA_FIELDS = ['name', 'dateOfBirth', 'address', 'housingUnit', 'preferredLanguage', 'dreams', 'wishes', 'needs'] as const;
export const CONTACT_FIELDS = ['name', 'role', 'organisation', 'sector', 'email', 'phone', 'reachVia', 'interpreter'] as const;

export interface GuideCardModels {
  guideConsent: GuideBase & {
    /** Markdown-safe (shown in a TextBlock). */
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
    /** "No interpreter" first, then the languages. */
    interpreters: Choice[];
    contactsHeading: string;
    contacts: ContactRow[];
    fields: FieldMap<typeof CONTACT_FIELDS>;
    errors: FieldMap<typeof CONTACT_FIELDS>;
  };
  guideContactEdit: GuideBase & {
    contactId: string;
    isYou: boolean;
    /** The contact's name as text (markdown-safe), shown instead of the input when editing yourself. */
    nameText: string;
    limits: Limits;
    sectors: Choice[];
    interpreters: Choice[];
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
}

export const GUIDE_TEMPLATES = ['guideConsent', 'guideMasterData', 'guideNetwork', 'guideContactEdit', 'guideReview'] as const satisfies readonly (keyof GuideCardModels)[];
