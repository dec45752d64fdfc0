/**
 * The whole plan on one card ("vis plan"), readable on a phone: a header and
 * foldable sections – the plan's own and those other capabilities contribute.
 * Pure: no I/O.
 */
import type { Fact } from '../../platform/cards/models';
import { inlineText, plainText } from '../../platform/cards/markdown';
import { templateRenderer, type AdaptiveCardJson } from '../../platform/cards/render';
import { Locale, format, formatDate, formatDateTime } from '../../platform/i18n';
import type { CarePlan, Contact, PlanChange, PlanSummary } from '../domain/carePlan';
import { canEditPlan, editableContactKeys, ownContact } from '../domain/planEdits';
import { HISTORY_SHOWN, currentVersion, historyOf, lastChange } from '../domain/planHistory';
import { agreementSections } from './agreementParts';
import type { PlanCardModels, PlanSection } from './cardModels';
import { citizenFacts, consentSummary, contactSummary, voiceFacts, youSuffix } from './planViews';

const render = templateRenderer<PlanCardModels>();

/** Teams refuses a message over about 28 KB; the plan card stays below this, whatever the plan holds. */
export const PLAN_CARD_BUDGET = 26 * 1024;
/** The citizen's words open with the card while they are this short; longer, they fold. */
const VOICE_OPEN_CHARS = 600;
/** The network opens with the card up to this many contacts. */
const NETWORK_OPEN_CONTACTS = 6;

/** A section with nothing but what is given. */
export function planSection(s: Pick<PlanSection, 'key' | 'order' | 'title'> & Partial<PlanSection>): PlanSection {
  return { summary: '', open: false, facts: [], paragraphs: [], text: '', note: '', buttons: [], ...s };
}

const lowerFirst = (s: string): string => (s ? s[0]!.toLocaleLowerCase() + s.slice(1) : s);


/** A field key in plain words (never its value), e.g. "address" → "adresse". */
export function fieldName(key: string, loc: Locale, of: 'citizen' | 'contact'): string {
  const table = (of === 'citizen' ? loc.t.masterData : loc.t.network) as Record<string, string>;
  return lowerFirst(table[key] ?? key);
}

/** What a change was, in plain words: which fields, which contact – never old or new values (markdown-safe). */
export function changeText(c: PlanChange, loc: Locale): string {
  const t = loc.t.planCard.change;
  const fields = (c.fields ?? []).map((f) => fieldName(f, loc, c.kind === 'masterData' ? 'citizen' : 'contact')).join(', ');
  const name = inlineText(c.contactName ?? '—');
  switch (c.kind) {
    case 'versionCreated':
      return format(t.versionCreated, { n: c.version });
    case 'masterData':
      return format(t.masterData, { fields });
    case 'contactAdded':
      return format(t.contactAdded, { name });
    case 'contactChanged':
      return format(t.contactChanged, { name, fields });
    case 'contactRemoved':
      return format(t.contactRemoved, { name });
    case 'ownDetails':
      return format(t.ownDetails, { name, fields });
    case 'coordinatorChanged':
      return format(t.coordinatorChanged, { name });
    case 'secondCoordinatorChanged':
      return format(t.secondCoordinatorChanged, { name });
  }
}

/** How much a contact line says: everything, without e-mail and phone, or only role and sector (for very large networks). */
export type ContactDetail = 'full' | 'noReach' | 'brief';

/** One contact and how to reach them: "**name** – role · organisation · sector · interpreter · e-mail · phone · via whom" (what was typed, escaped). */
export function contactText(c: Contact, loc: Locale, viewerId: string | undefined, detail: ContactDetail = 'full'): string {
  const reach = detail === 'full' ? [c.email, c.phone, c.reachVia && `${loc.t.network.reachViaShort}: ${c.reachVia}`].filter((v): v is string => !!v) : [];
  return `**${inlineText(c.name)}**${youSuffix(c, viewerId, loc)} – ${inlineText([contactSummary(c, loc, detail !== 'brief'), ...reach].join(' · '))}`;
}

function networkSummary(contacts: Contact[], loc: Locale): string {
  const { t } = loc;
  if (contacts.length === 0) return t.planCard.networkNone;
  const names = contacts.slice(0, 3).map((c) => inlineText(c.name)).join(', ');
  return contacts.length > 3 ? format(t.planCard.networkMore, { names, n: contacts.length - 3 }) : format(t.planCard.networkSummary, { names });
}

/**
 * How much the card shows when the plan is very large (30 contacts with every
 * field at its maximum): the full card first, then a shorter history, then
 * contacts without e-mail and phone, then only their role and sector. An
 * everyday plan – 30 contacts, 2,000 characters of dreams – gets the full card.
 */
interface Detail {
  history: number;
  contacts: ContactDetail;
  /** How long agreed texts (actions, warning signs) may be; all of them when absent. */
  agreed?: number;
  /** How many actions and warning signs are listed; all when absent. */
  agreedItems?: number;
}
const DETAIL_LADDER: Detail[] = [
  { history: HISTORY_SHOWN, contacts: 'full' },
  { history: 10, contacts: 'full', agreed: 200 },
  { history: 10, contacts: 'noReach', agreed: 80 },
  { history: 5, contacts: 'brief', agreed: 30 },
  { history: 5, contacts: 'brief', agreed: 30, agreedItems: 8 },
  { history: 5, contacts: 'brief', agreed: 30, agreedItems: 0 },
];

/** The plan's own sections. */
function ownSections(plan: CarePlan, loc: Locale, viewerId: string, detail: Detail): PlanSection[] {
  const { t } = loc;
  const c = plan.citizen;
  const voice = voiceFacts(c, loc);
  const voiceLength = voice.reduce((n, f) => n + f.value.length, 0);
  const consent = plan.consent;
  const consentFacts: Fact[] = [
    { title: t.plan.status, value: t.enums.consentStatus[consent.status] },
    { title: t.planCard.consentHow, value: t.enums.consentMethod[consent.method] },
    { title: t.planCard.consentDate, value: plainText(formatDate(consent.obtainedOn, loc)) },
    { title: t.planCard.consentCovers, value: consent.covers.map((s) => t.consent[s]).join(', ') },
    { title: t.planCard.consentBy, value: plainText(consent.obtainedBy.name) },
  ];
  if (consent.note) consentFacts.push({ title: t.planCard.consentNote, value: plainText(consent.note) });
  const history = historyOf(plan);
  const shown = history.slice(0, detail.history);
  const [newest] = history;
  return [
    planSection({ key: 'masterData', order: 10, title: t.planCard.masterData, open: true, facts: citizenFacts(c, loc) }),
    planSection({
      key: 'voice',
      order: 20,
      title: t.planCard.voice,
      open: voiceLength <= VOICE_OPEN_CHARS,
      summary: voiceLength <= VOICE_OPEN_CHARS ? '' : voice.map((f) => f.title).join(' · '),
      paragraphs: voice.map((f) => ({ heading: f.title, text: f.value })),
      note: t.planCard.voiceHint,
    }),
    planSection({ key: 'consent', order: 30, title: t.plan.consent, summary: plainText(consentSummary(consent, loc)), facts: consentFacts }),
    planSection({
      key: 'network',
      order: 40,
      title: format(t.plan.network, { n: plan.contacts.length }),
      open: plan.contacts.length <= NETWORK_OPEN_CONTACTS,
      summary: networkSummary(plan.contacts, loc),
      text: plan.contacts.map((ct) => `- ${contactText(ct, loc, viewerId, detail.contacts)}`).join('\n'),
    }),
    planSection({
      key: 'history',
      order: 90,
      title: t.planCard.history,
      summary: newest ? format(t.planCard.historySummary, { what: changeText(newest, loc), date: formatDate(newest.at, loc) }) : '',
      // "what – who, when": a line that starts with a Danish date ("12. marts") would turn into a numbered list.
      text: shown.map((h) => `- ${changeText(h, loc)} – ${inlineText(h.by.name)}, ${formatDateTime(h.at, loc)}`).join('\n'),
      note: history.length > shown.length ? format(t.planCard.historyShown, { n: shown.length }) : '',
    }),
  ];
}

export interface PlanCardOptions {
  notice?: string;
  noticeColor?: PlanCardModels['planCard']['noticeColor'];
  /** Sections other capabilities contribute (meetings, later actions, coordinator, early warning signs). */
  contributed?: PlanSection[];
}

/** The whole plan as `viewerId` sees it: the organiser gets the edit buttons, a contact their own "correct my details". */
export function planCard(plan: CarePlan, loc: Locale, viewerId: string, opts: PlanCardOptions = {}): AdaptiveCardJson {
  const { t } = loc;
  const version = currentVersion(plan);
  const changed = lastChange(plan);
  const facts: Fact[] = [
    { title: t.plan.reference, value: plainText(plan.reference) },
    { title: t.plan.status, value: t.enums.planStatus[plan.status] },
    { title: t.planCard.version, value: plainText(format(t.planCard.versionValue, { n: version.number, date: formatDate(version.at, loc) })) },
    // A value that starts with a Danish date ("24. nov.") must not turn into a numbered list.
    { title: t.planCard.lastChanged, value: plainText(format(t.planCard.lastChangedValue, { date: formatDateTime(changed.at, loc), name: changed.by.name })) },
  ];
  const canEdit = canEditPlan(plan, viewerId);
  const own = ownContact(plan, viewerId);
  const ownContactId = !canEdit && own && editableContactKeys(plan, own, viewerId).length > 0 ? own.id : '';
  let card: AdaptiveCardJson | undefined;
  for (const detail of DETAIL_LADDER) {
    // What the last meeting agreed on (actions, coordinators, warning signs, next meeting) sits with the plan's own sections.
    const sections = [...ownSections(plan, loc, viewerId, detail), ...agreementSections(plan, loc, detail.agreed, detail.agreedItems), ...(opts.contributed ?? [])]
      .sort((a, b) => a.order - b.order)
      .map((section) => ({
        ...section,
        targets: [`body-${section.key}`, `show-${section.key}`, `hide-${section.key}`, ...(section.summary ? [`sum-${section.key}`] : [])],
      }));
    card = render('planCard', {
      t,
      notice: opts.notice ?? '',
      noticeColor: opts.noticeColor ?? 'Good',
      planId: plan.id,
      citizenName: plainText(plan.citizen.name),
      facts,
      sections,
      canEdit,
      ownContactId,
    });
    if (Buffer.byteLength(JSON.stringify(card)) <= PLAN_CARD_BUDGET) break;
  }
  return card!;
}

/** "Which plan?": the user's plans to choose from, newest first. */
export function planPickCard(plans: readonly Pick<PlanSummary, 'id' | 'citizen' | 'reference' | 'status'>[], more: boolean, loc: Locale): AdaptiveCardJson {
  const { t } = loc;
  return render('planPick', {
    t,
    plans: plans.map((p) => ({ planId: p.id, name: inlineText(p.citizen.name), line: plainText(`${p.reference} · ${t.enums.planStatus[p.status]}`) })),
    more: more ? format(t.planCard.pickMore, { n: plans.length }) : '',
  });
}
