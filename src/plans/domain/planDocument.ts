/**
 * The plan as a document (seed 000: the KIP template, sent by secure mail to
 * every contact and to the citizen through e-Boks): who may have it, through
 * which links, and what each recipient's copy shows. The content follows the
 * citizen's consent at the moment the document is fetched, not when the link
 * was made. Pure: no I/O.
 */
import { z } from 'zod';
import { CarePlan, Contact, PlanSummary, canChange, consentCovers, isCitizen, isMember } from './carePlan';
import { canManageNetwork } from './teamsLink';

/** Who a document link is for: the citizen (the organiser sends it through e-Boks) or one contact. */
export type DocumentRecipient = { kind: 'citizen' } | { kind: 'contact'; contactId: string };

/**
 * Which copy a recipient gets: the citizen and the professionals see the whole
 * plan as the consent shares it; relatives (only when the consent covers
 * involving them) see the relatives' copy, without other relatives' private
 * contact details and without the consent's free-text note.
 */
export type DocumentAudience = 'citizen' | 'network' | 'relative';

export const DOCUMENT_LANGUAGES = ['da', 'en', 'sv'] as const;
export type DocumentLanguage = (typeof DOCUMENT_LANGUAGES)[number];

/** What a document link names: the plan, its version, the recipient, and the language it was asked for in. */
export interface DocumentLinkTarget {
  tenantId: string;
  planId: string;
  version: number;
  recipient: DocumentRecipient;
  language: DocumentLanguage;
}

/**
 * The plan's agreed version: the guide makes version 1, each coordination
 * meeting that approves the plan the next (`versions`, oldest first, once the
 * plans capability records them). `CarePlan.version` is the store's write
 * counter and goes up on every change, so it is not what a document names.
 */
export function agreedVersion(plan: Pick<CarePlan, 'reference'> & { versions?: ReadonlyArray<{ number: number }> }): number {
  return plan.versions?.at(-1)?.number ?? 1;
}

/** A recipient id as it travels in a link: 'citizen' or a contact id. */
export const recipientIdSchema = z.string().regex(/^(citizen|[A-Za-z0-9-]{1,64})$/);

/** The recipient's id in a link. */
export function recipientId(r: DocumentRecipient): string {
  return r.kind === 'citizen' ? 'citizen' : r.contactId;
}
/** The recipient a link's id names. */
export function recipientOf(id: string): DocumentRecipient {
  return id === 'citizen' ? { kind: 'citizen' } : { kind: 'contact', contactId: id };
}

/**
 * Whether the plan's document links work at all: only while the plan is open.
 * After the consent is withdrawn or the plan is closed, every link answers
 * that it is gone, and no new link is made.
 */
export function documentsAvailable(plan: { consent: Pick<CarePlan['consent'], 'status'>; status: CarePlan['status'] }): boolean {
  return canChange(plan);
}

export type DocumentAccess =
  | { kind: 'ok'; audience: DocumentAudience; contact?: Contact }
  /** Revoked: the plan was closed or its consent withdrawn, a newer version exists, or the recipient left the network. */
  | { kind: 'gone' }
  /** The recipient is outside what the consent covers: they get nothing, and are not told why. */
  | { kind: 'notCovered' };

/** What a (validly signed, unexpired) link gives now, under the plan as it is now. */
export function documentAccess(plan: CarePlan, target: Pick<DocumentLinkTarget, 'version' | 'recipient'>): DocumentAccess {
  if (!documentsAvailable(plan)) return { kind: 'gone' };
  // A link is for one agreed version: the header names it; once a meeting makes a new one, old links are gone.
  if (agreedVersion(plan) !== target.version) return { kind: 'gone' };
  if (target.recipient.kind === 'citizen') return { kind: 'ok', audience: 'citizen' };
  const { contactId } = target.recipient;
  const contact = plan.contacts.find((c) => c.id === contactId);
  if (!contact) return { kind: 'gone' };
  if (!consentCovers(plan, contact)) return { kind: 'notCovered' };
  // The citizen listed as a participant gets the citizen's own copy.
  return { kind: 'ok', audience: isCitizen(contact) ? 'citizen' : contact.sector === 'relative' ? 'relative' : 'network', contact };
}

/**
 * The links a member of the network gets when they ask for the document: one
 * for themselves; the organiser also one for the citizen and one for each
 * contact outside Teams whom the consent covers (to send by secure mail).
 * Empty for anyone outside the network or when documents are not available.
 */
export function documentRecipients(plan: Pick<PlanSummary, 'memberIds' | 'createdBy' | 'consent' | 'status' | 'contacts'>, userId: string): DocumentRecipient[] {
  if (!isMember(plan, userId) || !documentsAvailable(plan)) return [];
  const own = plan.contacts.find((c) => c.teamsUserId === userId);
  const out: DocumentRecipient[] = own && consentCovers(plan, own) ? [{ kind: 'contact', contactId: own.id }] : [];
  if (!canManageNetwork(plan, userId)) return out;
  out.push({ kind: 'citizen' });
  // The citizen listed as a participant already has the citizen's copy above.
  for (const c of plan.contacts) if (!c.teamsUserId && !isCitizen(c) && consentCovers(plan, c)) out.push({ kind: 'contact', contactId: c.id });
  return out;
}

/** Which contacts a copy lists: those the consent shares the plan with (the citizen's own copy lists everybody). */
export function contactsShown(plan: CarePlan, audience: DocumentAudience): Contact[] {
  return audience === 'citizen' ? plan.contacts : plan.contacts.filter((c) => consentCovers(plan, c));
}

/** Whether a copy shows a contact's phone and e-mail: a relative's copy shows no private person's details (another relative's, the citizen's) but their own. */
export function showsContactDetails(audience: DocumentAudience, shown: Contact, recipient?: Contact): boolean {
  return audience !== 'relative' || (shown.sector !== 'relative' && !isCitizen(shown)) || shown.id === recipient?.id;
}

/** The file name: the plan's reference and agreed version, never the citizen. */
export function documentFileName(plan: Pick<CarePlan, 'reference'> & { versions?: ReadonlyArray<{ number: number }> }): string {
  return `${plan.reference.replace(/[^A-Za-z0-9-]/g, '')}-v${agreedVersion(plan)}.docx`;
}
