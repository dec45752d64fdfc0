/**
 * The guide's card for where the guide is now, in the user's language. Pure: no I/O.
 */
import { LIMITS } from '../../plans/domain/carePlan';
import type { Contact } from '../../plans/domain/carePlan';
import type { FieldErrors, GuideDraft, RawFields } from '../domain/guide';
import { confirmCard, errorMap, fieldMap, formatCount, formError, noticeCard } from '../../platform/cards/views';
import { inlineText, plainText } from '../../platform/cards/markdown';
import { templateRenderer, type AdaptiveCardJson } from '../../platform/cards/render';
import { Locale, format, todayIn } from '../../platform/i18n';
import { citizenFacts, consentSummary, contactRows, interpreterChoices, languageChoices, networkList, sectorChoices, voiceFacts } from '../../plans/bot/planViews';
import { CONSENT_FIELDS, CONTACT_FIELDS, GuideCardModels, MASTER_DATA_FIELDS } from './cardModels';

const render = templateRenderer<GuideCardModels>();

type LimitHints = GuideCardModels['guideMasterData']['limitHints'];
/** Per locale (a Locale never changes): six formatted numbers on every guide card are the same for everyone in that language. */
const hintsByLocale = new WeakMap<Locale, Readonly<LimitHints>>();
const limitHints = (loc: Locale): Readonly<LimitHints> => {
  let hints = hintsByLocale.get(loc);
  if (!hints) {
    const hint = (n: number) => format(loc.t.planCard.limit, { n: formatCount(n, loc) });
    hints = Object.freeze({ note: hint(LIMITS.note), address: hint(LIMITS.address), dreams: hint(LIMITS.dreams), wishes: hint(LIMITS.dreams), needs: hint(LIMITS.dreams), reachVia: hint(LIMITS.reachVia) });
    hintsByLocale.set(loc, hints);
  }
  return hints;
};

export interface GuideCardOptions {
  notice?: string;
  /** Default: red ('Attention'), as most notices on a guide card say why nothing changed. */
  noticeColor?: 'Default' | 'Good' | 'Attention';
  errors?: FieldErrors;
  fields?: RawFields;
  /** Show the edit form of this contact instead of the network step. */
  editContactId?: string;
  now?: Date;
}

const STEP_NUMBER = { consent: 1, masterData: 2, network: 3, review: 4 } as const;
function contactFields(c: Contact | undefined): Record<string, string | undefined> | undefined {
  return c && { name: c.name, role: c.role, organisation: c.organisation, sector: c.sector, email: c.email, phone: c.phone, reachVia: c.reachVia, interpreter: c.interpreter ?? 'none' };
}

/** The card for where the guide is now. */
export function guideCard(draft: GuideDraft, loc: Locale, opts: GuideCardOptions = {}): AdaptiveCardJson {
  const { t } = loc;
  const now = opts.now ?? new Date();
  const step = draft.step;
  if (step === 'created' || step === 'cancelled') {
    return noticeCard(step === 'created' ? t.notices.alreadyCreated : t.notices.cancelled, 'Default');
  }
  const base = {
    t,
    draftId: draft.id,
    rev: draft.revision,
    stepLabel: format(t.common.step, { n: STEP_NUMBER[step] }),
    notice: opts.notice ?? '',
    noticeColor: opts.noticeColor ?? 'Attention',
    formError: formError(opts.errors, loc),
    limitHints: limitHints(loc),
  };
  const limits = { ...LIMITS };
  switch (step) {
    case 'consent': {
      const c = draft.consent;
      const you = draft.contacts[0];
      const current = c && {
        status: c.status,
        method: c.method,
        obtainedOn: c.obtainedOn,
        covers: c.covers.join(','),
        note: c.note,
        yourRole: you?.role,
        yourOrganisation: you?.organisation,
        yourSector: you?.sector,
      };
      // Consent is an active choice: no scope ticked and no method chosen in advance; only the date is proposed.
      const defaults = { obtainedOn: todayIn(loc, now) };
      return render('guideConsent', {
        ...base,
        ownerName: inlineText(draft.owner.name),
        today: todayIn(loc, now),
        limits,
        // The one who starts the plan is a professional: the citizen is added in the network step.
        sectors: sectorChoices(loc).filter((c) => c.value !== 'citizen'),
        fields: fieldMap(CONSENT_FIELDS, opts.fields ?? current ?? defaults),
        errors: errorMap(CONSENT_FIELDS, opts.errors, loc),
      });
    }
    case 'masterData':
      return render('guideMasterData', {
        ...base,
        today: todayIn(loc, now),
        limits,
        languages: languageChoices(loc),
        fields: fieldMap(MASTER_DATA_FIELDS, opts.fields ?? draft.citizen ?? { preferredLanguage: loc.language }),
        errors: errorMap(MASTER_DATA_FIELDS, opts.errors, loc),
      });
    case 'network': {
      const editing = opts.editContactId ? draft.contacts.find((c) => c.id === opts.editContactId) : undefined;
      if (editing) {
        return render('guideContactEdit', {
          ...base,
          contactId: editing.id,
          isYou: editing.teamsUserId === draft.owner.userId,
          nameText: inlineText(editing.name),
          limits,
          sectors: editing.teamsUserId === draft.owner.userId ? sectorChoices(loc).filter((c) => c.value !== 'citizen') : sectorChoices(loc),
          interpreters: interpreterChoices(loc),
          fields: fieldMap(CONTACT_FIELDS, { ...contactFields(editing), ...opts.fields, name: opts.fields?.name ?? editing.name }),
          errors: errorMap(CONTACT_FIELDS, opts.errors, loc),
        });
      }
      return render('guideNetwork', {
        ...base,
        limits,
        sectors: sectorChoices(loc),
        interpreters: interpreterChoices(loc),
        contactsHeading: format(t.network.contacts, { n: draft.contacts.length }),
        contacts: contactRows(draft.contacts, draft.owner.userId, loc),
        fields: fieldMap(CONTACT_FIELDS, { interpreter: 'none', ...opts.fields }),
        errors: errorMap(CONTACT_FIELDS, opts.errors, loc),
      });
    }
    case 'review':
      return render('guideReview', {
        ...base,
        citizenFacts: draft.citizen ? citizenFacts(draft.citizen, loc) : [],
        voiceFacts: draft.citizen ? voiceFacts(draft.citizen, loc) : [],
        consentSummary: draft.consent ? plainText(consentSummary(draft.consent, loc)) : '',
        networkHeading: format(t.plan.network, { n: draft.contacts.length }),
        networkList: networkList(draft.contacts, loc, draft.owner.userId),
      });
  }
}

/** The fields of the guide's current step (the inputs its card has). */
export function stepFields(step: GuideDraft['step']): readonly string[] {
  switch (step) {
    case 'consent':
      return CONSENT_FIELDS;
    case 'masterData':
      return MASTER_DATA_FIELDS;
    case 'network':
      return CONTACT_FIELDS;
    default:
      return [];
  }
}

/** What was typed on the step's card, or undefined when nothing was (the stored values are shown then). */
export function typedOnStep(draft: GuideDraft, fields: RawFields): RawFields | undefined {
  const own = Object.fromEntries(stepFields(draft.step).filter((k) => fields[k] !== undefined).map((k) => [k, fields[k]]));
  return Object.keys(own).length > 0 ? own : undefined;
}

/** "Afbryd" asks first: "Ja" ends the guide and deletes what was typed, "Nej" gives the step back as it was. */
export function cancelConfirmCard(draft: GuideDraft, loc: Locale, typed: RawFields = {}): AdaptiveCardJson {
  const { t } = loc;
  const envelope = { draftId: draft.id, rev: draft.revision };
  return confirmCard({
    title: t.guide.cancelTitle,
    subtitle: draft.step in STEP_NUMBER ? format(t.common.step, { n: STEP_NUMBER[draft.step as keyof typeof STEP_NUMBER] }) : '',
    question: t.guide.cancelQuestion,
    consequences: '',
    yes: { title: t.guide.cancelYes, verb: 'guide', data: { action: 'cancelConfirmed', ...envelope } },
    no: { title: t.guide.cancelNo, verb: 'guide', data: { action: 'keep', ...envelope, ...typedOnStep(draft, typed) } },
  });
}
