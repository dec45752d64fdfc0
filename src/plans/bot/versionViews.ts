/**
 * The cards of a new plan version: each contact's (their own actions first,
 * then the rest of the agreements, "Godkend mine indsatser" / "Bed om en
 * ændring") and the coordinator's (who has approved, change requests, the
 * documents to send by secure mail, the citizen's approval). Both refresh
 * themselves for their one reader (Universal Actions `refresh`). Pure: no I/O.
 */
import type { Fact } from '../../platform/cards/models';
import { bulletList, inlineText, plainText } from '../../platform/cards/markdown';
import { templateRenderer, type AdaptiveCardJson } from '../../platform/cards/render';
import { errorText, formatCount } from '../../platform/cards/views';
import type { Texts } from '../../platform/i18n';
import { Locale, format, formatDate } from '../../platform/i18n';
import { APPROVAL_LIMITS, VersionResponse, distributionOf, tallyOf } from '../domain/approval';
import type { CarePlan, Contact, PlanVersion } from '../domain/carePlan';
import type { DocumentRecipient } from '../domain/planDocument';
import { actionList, agreementFacts, approvalText, shortened, warningSignList } from './agreementParts';

/** View models of adaptiveCards/planVersion*.json. */
export interface VersionCardModels {
  planVersion: {
    t: Texts;
    notice: string;
    noticeColor: 'Default' | 'Good' | 'Attention';
    planId: string;
    version: number;
    reference: string;
    citizenName: string;
    intro: string;
    ownActions: string;
    otherActions: string;
    facts: Fact[];
    warningSigns: string;
    /** "You approved … on …", or ''. */
    approvedLine: string;
    myRequests: string;
    canApprove: boolean;
    canAnswer: boolean;
    changeLabel: string;
    changeText: string;
    changeError: string;
    refreshUserIds: string[];
  };
  planVersionCoordinator: {
    t: Texts;
    notice: string;
    noticeColor: 'Default' | 'Good' | 'Attention';
    planId: string;
    version: number;
    reference: string;
    citizenName: string;
    intro: string;
    tally: string;
    approvedList: string;
    waitingList: string;
    changeRequestsTitle: string;
    changeRequests: string;
    approvalLine: string;
    manualTitle: string;
    manualIntro: string;
    manual: Array<{ key: string; name: string; url: string; isSent: boolean; sentLabel: string }>;
    canRecordApproval: boolean;
    approvalHowLabel: string;
    approvalHow: string;
    approvalError: string;
    refreshUserIds: string[];
  };
}

export const VERSION_TEMPLATES = ['planVersion', 'planVersionCoordinator'] as const satisfies readonly (keyof VersionCardModels)[];

const render = templateRenderer<VersionCardModels>();

/** Teams' id of a user for `refresh.userIds`. */
const mriOf = (aadObjectId: string): string => `8:orgid:${aadObjectId}`;

export interface CardNotice {
  notice?: string;
  noticeColor?: 'Default' | 'Good' | 'Attention';
  /** Error codes of the card's form ('changeText' / 'approvalHow'). */
  errors?: Record<string, string>;
  /** What was typed, kept when it is refused. */
  typed?: string;
  /** The card is for an older version: shown, never answered. */
  readOnly?: boolean;
}

function errorOf(code: string | undefined, loc: Locale): string {
  if (!code) return '';
  return code === 'tooManyRequests' ? loc.t.planVersion.tooMany : errorText(code, loc);
}

/** The agreements as they stood in the version (its snapshot), else as they are on the plan. */
function agreementsOf(plan: CarePlan, version: PlanVersion) {
  return version.agreements ?? plan.agreements;
}

/** Headroom under Teams' 28 KB for the envelope around a card. */
export const VERSION_CARD_BUDGET = 26 * 1024;
/** How long a typed text may be on a card that would otherwise pass the budget: everything first, then shorter (nothing stored is cut). */
const FITS: ReadonlyArray<number | undefined> = [undefined, 200, 80, 30];

/** The first rendering that fits the budget (the last one otherwise). */
function fitted(draw: (max: number | undefined) => AdaptiveCardJson): AdaptiveCardJson {
  let card: AdaptiveCardJson | undefined;
  for (const max of FITS) {
    card = draw(max);
    if (Buffer.byteLength(JSON.stringify(card)) <= VERSION_CARD_BUDGET) break;
  }
  return card!;
}

/** One contact's card: their own actions first, then the plan's other agreements, and their answer. */
export function versionCard(plan: CarePlan, version: PlanVersion, contact: Contact, response: VersionResponse | undefined, loc: Locale, opts: CardNotice = {}): AdaptiveCardJson {
  return fitted((max) => drawVersionCard(plan, version, contact, response, loc, opts, max));
}

function drawVersionCard(plan: CarePlan, version: PlanVersion, contact: Contact, response: VersionResponse | undefined, loc: Locale, opts: CardNotice, max: number | undefined): AdaptiveCardJson {
  const { t } = loc;
  const agreements = agreementsOf(plan, version);
  const actions = agreements?.actions ?? [];
  const own = actions.filter((a) => a.responsibleContactId === contact.id);
  const others = actions.filter((a) => a.responsibleContactId !== contact.id);
  const open = !opts.readOnly;
  return render('planVersion', {
    t,
    notice: opts.notice ?? '',
    noticeColor: opts.noticeColor ?? 'Good',
    planId: plan.id,
    version: version.number,
    reference: plainText(plan.reference),
    citizenName: plainText(plan.citizen.name),
    intro: plainText(format(t.planVersion.intro, { n: version.number, date: formatDate(version.at, loc) })),
    // Their own actions are never shortened: they are what the contact approves.
    ownActions: actionList(plan, own, loc, t.planVersion.noOwnActions, true),
    otherActions: actionList(plan, others, loc, t.planVersion.noActions, false, max),
    facts: agreementFacts(plan, agreements, loc, version.approval),
    warningSigns: warningSignList(agreements, loc, max),
    approvedLine: response?.approved ? plainText(format(t.planVersion.approvedOn, { date: formatDate(response.approved.at, loc) })) : '',
    myRequests: bulletList((response?.changeRequests ?? []).map((c) => inlineText(shortened(c.text, max)))),
    canApprove: open && !response?.approved,
    canAnswer: open,
    changeLabel: format(t.planVersion.changeLabel, { n: formatCount(APPROVAL_LIMITS.changeRequest, loc) }),
    changeText: opts.typed ?? '',
    changeError: errorOf(opts.errors?.changeText, loc),
    refreshUserIds: contact.teamsUserId ? [mriOf(contact.teamsUserId)] : [],
  });
}

export interface CoordinatorCardOptions extends CardNotice {
  /** The signed link to a recipient's copy of this version (documentLinks). */
  documentUrl(recipient: DocumentRecipient): string;
  /** How long a document link works, in hours (shown). */
  linkHours: number;
  /** Who reads the card (their refresh). */
  viewerId: string;
}

/** The coordinator's card: the approvals live, the change requests, the documents to send, the citizen's approval. */
export function coordinatorCard(plan: CarePlan, version: PlanVersion, responses: readonly VersionResponse[], loc: Locale, opts: CoordinatorCardOptions): AdaptiveCardJson {
  return fitted((max) => drawCoordinatorCard(plan, version, responses, loc, opts, max));
}

function drawCoordinatorCard(plan: CarePlan, version: PlanVersion, responses: readonly VersionResponse[], loc: Locale, opts: CoordinatorCardOptions, max: number | undefined): AdaptiveCardJson {
  const { t } = loc;
  const tally = tallyOf(plan, responses);
  // Names stay readable when texts are shortened: at least 40 characters.
  const nameMax = max && Math.max(max, 40);
  const total = tally.approved.length + tally.waiting.length;
  const byKey = new Map(responses.map((r) => [r.recipientId, r]));
  const manual = distributionOf(plan).manual.map((m) => {
    const sent = byKey.get(m.key)?.documentSent;
    return {
      key: m.key,
      name: m.contact ? `**${inlineText(shortened(m.contact.name, nameMax))}** – ${inlineText(shortened(m.contact.role, max))}` : `**${t.planVersion.citizenDocument}**`,
      url: opts.documentUrl(m.recipient),
      isSent: !!sent,
      sentLabel: sent ? plainText(format(t.planVersion.sentOn, { date: formatDate(sent.at, loc) })) : '',
    };
  });
  return render('planVersionCoordinator', {
    t,
    notice: opts.notice ?? '',
    noticeColor: opts.noticeColor ?? 'Good',
    planId: plan.id,
    version: version.number,
    reference: plainText(plan.reference),
    citizenName: plainText(plan.citizen.name),
    intro: plainText(format(t.planVersion.coordinatorIntro, { n: version.number, date: formatDate(version.at, loc) })),
    tally: format(t.planVersion.tally, { approved: tally.approved.length, total }),
    approvedList: bulletList(tally.approved.map((a) => format(t.planVersion.approvedLine, { name: inlineText(shortened(a.contact.name, nameMax)), date: formatDate(a.at, loc) }))),
    waitingList: bulletList(tally.waiting.map((c) => inlineText(shortened(c.name, nameMax)))),
    changeRequestsTitle: format(t.planVersion.changeRequests, { n: tally.changeRequests.length }),
    changeRequests: tally.changeRequests.length
      ? bulletList(tally.changeRequests.map((c) => format(t.planVersion.changeRequestLine, { name: inlineText(shortened(c.contact.name, nameMax)), date: formatDate(c.at, loc), text: inlineText(shortened(c.text, max)) })))
      : t.planVersion.noChangeRequests,
    approvalLine: approvalText(version.approval, loc),
    manualTitle: format(t.planVersion.manualTitle, { sent: manual.filter((m) => m.isSent).length, n: manual.length }),
    manualIntro: format(t.planVersion.manualIntro, { hours: opts.linkHours }),
    manual: opts.readOnly ? [] : manual,
    canRecordApproval: !opts.readOnly && version.approval?.status === 'pending',
    approvalHowLabel: format(t.planVersion.approvalHow, { n: formatCount(APPROVAL_LIMITS.how, loc) }),
    approvalHow: opts.typed ?? '',
    approvalError: errorOf(opts.errors?.approvalHow, loc),
    refreshUserIds: [mriOf(opts.viewerId)],
  });
}
