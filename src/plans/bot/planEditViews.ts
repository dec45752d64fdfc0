/**
 * The cards that keep a plan current: master data, the organiser's network
 * card, a contact (added, edited, or corrected by the contact). Every card says
 * the length limit before it is reached (no maxLength: Teams would cut a
 * pasted text without a word), marks required fields, shows errors under their
 * field and keeps what was typed. Pure: no I/O.
 */
import { inlineText, plainText } from '../../platform/cards/markdown';
import { templateRenderer, type AdaptiveCardJson } from '../../platform/cards/render';
import { errorText, formError, formatCount } from '../../platform/cards/views';
import { Locale, format, todayIn } from '../../platform/i18n';
import { CarePlan, Contact, LIMITS } from '../domain/carePlan';
import {
  CONTACT_KEYS,
  Conflict,
  ContactKey,
  FieldErrors,
  MASTER_DATA_KEYS,
  MasterDataKey,
  RawFields,
  canEditPlan,
  canRemoveContact,
  citizenValues,
  contactValues,
  drawnOf,
  editableContactKeys,
} from '../domain/planEdits';
import type { PlanCardModels } from './cardModels';
import { ContactDetail, contactText } from './planCardViews';
import { interpreterChoices, languageChoices, sectorChoices } from './planViews';

const render = templateRenderer<PlanCardModels>();

/** Teams refuses a card over about 28 KB: a text far over its limit is sent back cut, and the card says so. */
const EDIT_CARD_BUDGET = 27 * 1024;
/** The network card lists up to 30 contacts: it stays well below Teams' limit, like the plan card. */
const NETWORK_CARD_BUDGET = 26 * 1024;

const MASTER_LIMITS: Partial<Record<MasterDataKey, number>> = {
  name: LIMITS.name, address: LIMITS.address, housingUnit: LIMITS.housingUnit, dreams: LIMITS.dreams, wishes: LIMITS.dreams, needs: LIMITS.dreams,
};
const CONTACT_LIMITS: Partial<Record<ContactKey, number>> = {
  name: LIMITS.name, role: LIMITS.role, organisation: LIMITS.organisation, email: LIMITS.email, phone: LIMITS.phone, reachVia: LIMITS.reachVia,
};
/** Free texts where people meet the limit: it stands in the label. The short fields carry theirs only in the error. */
const LIMIT_IN_LABEL = new Set(['dreams', 'wishes', 'needs', 'address', 'organisation', 'reachVia']);

function labelsOf<K extends string>(keys: readonly K[], table: Record<string, string>, limits: Partial<Record<K, number>>, loc: Locale): Record<K, string> {
  const out = {} as Record<K, string>;
  for (const k of keys) {
    const limit = limits[k];
    out[k] = limit && LIMIT_IN_LABEL.has(k) ? `${table[k]} ${format(loc.t.planCard.limit, { n: formatCount(limit, loc) })}` : table[k]!;
  }
  return out;
}

/** The error under each field: the domain's code as a sentence, or who changed the field meanwhile. */
function errorsOf<K extends string>(keys: readonly K[], loc: Locale, errors: FieldErrors = {}, conflicts: Conflict[] = []): Record<K, string> {
  const out = {} as Record<K, string>;
  for (const k of keys) {
    const conflict = conflicts.find((c) => c.field === k);
    const code = errors[k] ?? '';
    out[k] = conflict
      ? conflict.by
        ? format(loc.t.planCard.conflictField, { name: inlineText(conflict.by.name) })
        : loc.t.planCard.conflictFieldNoName
      : code === 'sectorNotCovered'
        ? loc.t.planCard.sectorNotCovered
        : errorText(code, loc);
  }
  return out;
}

const fieldsOf = <K extends string>(keys: readonly K[], values: RawFields): Record<K, string> =>
  Object.fromEntries(keys.map((k) => [k, values[k] ?? ''])) as Record<K, string>;

/**
 * Renders a form; if what the user typed makes it too large for Teams, every
 * text over its limit comes back cut to the limit with an error that says so.
 */
function withinBudget<K extends string>(
  draw: (fields: Record<K, string>, errors: Record<K, string>) => AdaptiveCardJson,
  fields: Record<K, string>,
  errors: Record<K, string>,
  limits: Partial<Record<K, number>>,
  loc: Locale,
): AdaptiveCardJson {
  const card = draw(fields, errors);
  if (Buffer.byteLength(JSON.stringify(card)) <= EDIT_CARD_BUDGET) return card;
  const cut = { ...fields };
  const said = { ...errors };
  for (const k of Object.keys(fields) as K[]) {
    const max = limits[k];
    if (max && fields[k].length > max) {
      cut[k] = fields[k].slice(0, max);
      said[k] = format(loc.t.planCard.tooLongCut, { length: formatCount(fields[k].length, loc), max: formatCount(max, loc) });
    }
  }
  return draw(cut, said);
}

export interface EditCardOptions {
  /** What the user typed (kept when there are errors); else the plan's values. */
  fields?: RawFields;
  errors?: FieldErrors;
  conflicts?: Conflict[];
  /** The card's "drawn" data to carry on (after errors); else drawn from the plan now. */
  drawn?: string;
  notice?: string;
  now: Date;
}

/** The organiser's master data card. */
export function masterDataEditCard(plan: CarePlan, loc: Locale, opts: EditCardOptions): AdaptiveCardJson {
  const { t } = loc;
  const values = citizenValues(plan.citizen);
  const labels = labelsOf(MASTER_DATA_KEYS, t.masterData, MASTER_LIMITS, loc);
  return withinBudget(
    (fields, errors) =>
      render('planMasterDataEdit', {
        t,
        planId: plan.id,
        citizenName: plainText(plan.citizen.name),
        notice: opts.notice ?? '',
        formError: formError(opts.errors, loc),
        drawn: opts.drawn ?? drawnOf(values, MASTER_DATA_KEYS),
        today: todayIn(loc, opts.now),
        languages: languageChoices(loc),
        labels,
        fields,
        errors,
      }),
    fieldsOf(MASTER_DATA_KEYS, { ...values, ...opts.fields }),
    errorsOf(MASTER_DATA_KEYS, loc, opts.errors, opts.conflicts),
    MASTER_LIMITS,
    loc,
  );
}

/**
 * A contact's card as `viewerId` may use it: the organiser changes every field
 * (and may remove the contact, never the creator or themselves); the contact
 * corrects their own details, not the sector. Without a contact: the add form.
 */
export function contactEditCard(plan: CarePlan, contact: Contact | undefined, viewerId: string, loc: Locale, opts: EditCardOptions & { formId?: string }): AdaptiveCardJson {
  const { t } = loc;
  const organiser = canEditPlan(plan, viewerId);
  const keys = contact ? editableContactKeys(plan, contact, viewerId) : CONTACT_KEYS;
  const values = contact ? contactValues(contact) : undefined;
  const own = !!contact && contact.teamsUserId === viewerId && !organiser;
  const name = contact?.name ?? '';
  return withinBudget(
    (fields, errors) =>
      render('planContactEdit', {
        t,
        planId: plan.id,
        citizenName: plainText(plan.citizen.name),
        mode: contact ? 'edit' : 'add',
        contactId: contact?.id ?? '',
        formId: opts.formId ?? '',
        title: contact ? (own ? t.planCard.ownTitle : t.planCard.contactTitle) : t.planCard.addContactTitle,
        intro: own ? t.planCard.ownIntro : t.planCard.editIntro,
        notice: opts.notice ?? '',
        formError: formError(opts.errors, loc),
        drawn: opts.drawn ?? (values ? drawnOf(values, CONTACT_KEYS) : ''),
        canEditSector: keys.includes('sector'),
        sectorText: contact ? format(t.planCard.sectorFixed, { sector: t.enums.sector[contact.sector] }) : '',
        sectors: sectorChoices(loc),
        interpreters: interpreterChoices(loc),
        labels: labelsOf(CONTACT_KEYS, t.network, CONTACT_LIMITS, loc),
        fields,
        errors,
        canRemove: !!contact && canRemoveContact(plan, contact, viewerId),
        removeConfirm: format(t.planCard.removeConfirm, { name: inlineText(name) }),
        // A button title is not markdown: the name as typed.
        removeYes: format(t.planCard.removeYes, { name }),
        backTitle: organiser ? t.planCard.backToNetwork : t.planCard.backToPlan,
        backAction: organiser ? 'network' : 'show',
      }),
    fieldsOf(CONTACT_KEYS, { ...values, ...opts.fields }),
    errorsOf(CONTACT_KEYS, loc, opts.errors, opts.conflicts),
    CONTACT_LIMITS,
    loc,
  );
}

/** The organiser's network: every contact as a row to tap for editing, and "add a contact". */
export function networkCard(plan: CarePlan, viewerId: string, loc: Locale, notice = '', noticeColor: PlanCardModels['planNetwork']['noticeColor'] = 'Good'): AdaptiveCardJson {
  const { t } = loc;
  const draw = (detail: ContactDetail, namedButtons: boolean) =>
    render('planNetwork', {
      t,
      planId: plan.id,
      citizenName: plainText(plan.citizen.name),
      heading: format(t.plan.network, { n: plan.contacts.length }),
      notice,
      noticeColor,
      contacts: plan.contacts.map((c) => ({
        id: c.id,
        text: contactText(c, loc, viewerId, detail),
        editTitle: namedButtons ? format(t.planCard.editContact, { name: c.name }) : t.network.edit,
      })),
      canAdd: plan.contacts.length < LIMITS.contacts,
    });
  // Every contact's own card has all their details: a very large network is listed briefer rather than refused by Teams.
  const ladder: Array<[ContactDetail, boolean]> = [['full', true], ['brief', true], ['brief', false]];
  let card: AdaptiveCardJson | undefined;
  for (const [detail, named] of ladder) {
    card = draw(detail, named);
    if (Buffer.byteLength(JSON.stringify(card)) <= NETWORK_CARD_BUDGET) break;
  }
  return card!;
}
