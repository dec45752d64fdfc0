/**
 * After a coordination meeting made a new version of the plan: who gets it
 * (every contact in Teams whom the consent covers – also those who were
 * absent – as a card; the citizen and contacts outside Teams as a document
 * the coordinator sends by secure mail), each contact's answer to it
 * ("Godkend mine indsatser" / "Bed om en ændring"), the coordinator's
 * "Markér som sendt", and the citizen's approval recorded afterwards when
 * it was pending. Pure: no I/O.
 */
import { z } from 'zod';
import { coordinatorUserId } from './agreements';
import { Actor, CarePlan, Contact, PlanVersion, consentCovers, isCitizen, isMember } from './carePlan';
import type { DocumentRecipient } from './planDocument';
import { recipientId } from './planDocument';

/** Limits of what people type on the version cards (stated on the cards, never cut). */
export const APPROVAL_LIMITS = { changeRequest: 1000, how: 500, changeRequestsPerContact: 5 } as const;
/** The coordinator is reminded to review the plan with the citizen this many working days after the meeting. */
export const REMINDER_WORKING_DAYS = 2;

/** One recipient's answers to one version: a contact in Teams (approval, change requests) or a document sent by secure mail. */
export interface VersionResponse {
  /** `<planId>:<version>:<recipient>` (responseId). */
  id: string;
  tenantId: string;
  planId: string;
  version: number;
  /** A contact id, or 'citizen' for the citizen's document. */
  recipientId: string;
  approved?: { at: string; by: Actor };
  changeRequests?: Array<{ at: string; by: Actor; text: string }>;
  documentSent?: { at: string; by: Actor };
}

/** The id of a recipient's answers to a version: one document each, so answers never contend. */
export function responseId(planId: string, version: number, recipient: string): string {
  return `${planId}:${version}:${recipient}`;
}

/** An empty answer document (created on the first answer). */
export function emptyResponse(tenantId: string, planId: string, version: number, recipient: string): VersionResponse {
  return { id: responseId(planId, version, recipient), tenantId, planId, version, recipientId: recipient };
}

/** Who gets the version: contacts in Teams as a card; the citizen and contacts outside Teams as a document by secure mail. */
export interface DistributionList {
  teams: Contact[];
  manual: Array<{ recipient: DocumentRecipient; key: string; contact?: Contact }>;
}

/** Every contact the consent covers, present at the meeting or not; the citizen always gets the document (never linked in Teams). */
export function distributionOf(plan: CarePlan): DistributionList {
  const covered = plan.contacts.filter((c) => !isCitizen(c) && consentCovers(plan, c));
  const teams = covered.filter((c) => !!c.teamsUserId && plan.memberIds.includes(c.teamsUserId));
  const manual: DistributionList['manual'] = [{ recipient: { kind: 'citizen' }, key: 'citizen' }];
  for (const c of covered) {
    if (c.teamsUserId) continue;
    const recipient: DocumentRecipient = { kind: 'contact', contactId: c.id };
    manual.push({ recipient, key: recipientId(recipient), contact: c });
  }
  return { teams, manual };
}

/** The version with this number, if the plan has it. */
export function versionNumbered(plan: CarePlan, n: number): PlanVersion | undefined {
  return plan.versions?.find((v) => v.number === n);
}

/** The version is the plan's newest: only the newest is answered (an old card is refused). */
export function isCurrentVersion(plan: CarePlan, n: number): boolean {
  return (plan.versions?.at(-1)?.number ?? 1) === n;
}

/** The contact in Teams the user is on this plan, when the version goes to them. */
export function recipientContact(plan: CarePlan, userId: string): Contact | undefined {
  if (!isMember(plan, userId)) return undefined;
  return distributionOf(plan).teams.find((c) => c.teamsUserId === userId);
}

/** The coordinator (the organiser stands in until a meeting chose one) or the second coordinator. */
export function isCoordinator(plan: CarePlan, userId: string): boolean {
  if (!isMember(plan, userId)) return false;
  if (coordinatorUserId(plan) === userId) return true;
  const second = plan.agreements?.secondCoordinator?.contactId;
  return !!second && plan.contacts.some((c) => c.id === second && c.teamsUserId === userId);
}

/** A change request as typed: required, at most APPROVAL_LIMITS.changeRequest characters. */
export const changeRequestSchema = z.string().trim().min(1, 'required').max(APPROVAL_LIMITS.changeRequest, `max:${APPROVAL_LIMITS.changeRequest}`);
/** How the citizen approved (e.g. "mundtligt ved hjemmebesøg"): required, at most APPROVAL_LIMITS.how characters. */
export const approvalHowSchema = z.string().trim().min(1, 'required').max(APPROVAL_LIMITS.how, `max:${APPROVAL_LIMITS.how}`);

/** A zod issue as the cards' error code ("max:1000:1234" carries the typed length). */
export function errorCode(issue: z.ZodIssue | undefined, typed: string): string {
  const code = issue?.message ?? 'invalid';
  return code.startsWith('max:') ? `${code}:${typed.trim().length}` : code;
}

/** Approves: the first approval stands; a second click or a replay changes nothing (undefined). */
export function approve(r: VersionResponse, by: Actor, now: Date): VersionResponse | undefined {
  if (r.approved) return undefined;
  return { ...r, approved: { at: now.toISOString(), by } };
}

export type ChangeRequestResult = { kind: 'added'; response: VersionResponse; index: number } | { kind: 'repeat'; index: number } | { kind: 'tooMany' };

/** Adds a change request; the same text again (a replay, a double click) is the earlier one. */
export function addChangeRequest(r: VersionResponse, by: Actor, text: string, now: Date): ChangeRequestResult {
  const list = r.changeRequests ?? [];
  const earlier = list.findIndex((c) => c.text === text);
  if (earlier >= 0) return { kind: 'repeat', index: earlier };
  if (list.length >= APPROVAL_LIMITS.changeRequestsPerContact) return { kind: 'tooMany' };
  return { kind: 'added', response: { ...r, changeRequests: [...list, { at: now.toISOString(), by, text }] }, index: list.length };
}

/** "Markér som sendt": the first mark stands. */
export function markDocumentSent(r: VersionResponse, by: Actor, now: Date): VersionResponse | undefined {
  if (r.documentSent) return undefined;
  return { ...r, documentSent: { at: now.toISOString(), by } };
}

/** "Fortryd": the mark is taken back (a mistaken click); undefined when there is none. */
export function unmarkDocumentSent(r: VersionResponse): VersionResponse | undefined {
  if (!r.documentSent) return undefined;
  const { documentSent: _mark, ...rest } = r;
  return rest;
}

/**
 * The citizen's approval, recorded afterwards by the coordinator: only while
 * it is pending; the version's agreements snapshot stays exactly as it was.
 */
export function recordCitizenApproval(plan: CarePlan, n: number, how: string, by: Actor, now: Date): CarePlan | undefined {
  const versions = plan.versions ?? [];
  const i = versions.findIndex((v) => v.number === n);
  const v = versions[i];
  if (!v || v.approval?.status !== 'pending') return undefined;
  const recorded: PlanVersion = { ...v, approval: { status: 'given', how, recordedBy: by, at: now.toISOString() } };
  return { ...plan, versions: versions.map((x, j) => (j === i ? recorded : x)), updatedAt: now.toISOString() };
}

/** Who has approved the version and who not yet, among the contacts it went to in Teams. */
export interface ApprovalTally {
  approved: Array<{ contact: Contact; at: string }>;
  waiting: Contact[];
  changeRequests: Array<{ contact: Contact; at: string; text: string }>;
}

/** Counts the answers of the contacts the version went to (answers of contacts since removed do not count). */
export function tallyOf(plan: CarePlan, responses: readonly VersionResponse[]): ApprovalTally {
  const byRecipient = new Map(responses.map((r) => [r.recipientId, r]));
  const tally: ApprovalTally = { approved: [], waiting: [], changeRequests: [] };
  for (const contact of distributionOf(plan).teams) {
    const r = byRecipient.get(contact.id);
    if (r?.approved) tally.approved.push({ contact, at: r.approved.at });
    else tally.waiting.push(contact);
    for (const c of r?.changeRequests ?? []) tally.changeRequests.push({ contact, at: c.at, text: c.text });
  }
  tally.changeRequests.sort((a, b) => a.at.localeCompare(b.at));
  return tally;
}

/** `n` working days (Monday–Friday) after `from`, at the same time of day. */
export function workingDaysAfter(from: Date, n: number): Date {
  const d = new Date(from.getTime());
  let left = n;
  while (left > 0) {
    d.setUTCDate(d.getUTCDate() + 1);
    const day = d.getUTCDay();
    if (day !== 0 && day !== 6) left--;
  }
  return d;
}

/**
 * A number that grows with every answer to the version: the coordinator card's
 * update version (outbox updates only move forward). `now`, when the render
 * follows a change made now, also covers a change that removed something (an undone mark).
 */
export function responsesVersion(plan: Pick<CarePlan, 'updatedAt'>, responses: readonly VersionResponse[], now?: Date): number {
  let latest = Math.max(Date.parse(plan.updatedAt) || 0, now?.getTime() ?? 0);
  let events = 0;
  for (const r of responses) {
    for (const at of [r.approved?.at, r.documentSent?.at, ...(r.changeRequests ?? []).map((c) => c.at)]) {
      if (!at) continue;
      events++;
      latest = Math.max(latest, Date.parse(at) || 0);
    }
  }
  return latest * 1_000 + Math.min(999, events);
}

/** What the distribution needs from storage. */
export interface VersionResponseStore {
  /**
   * Applies `change` to the recipient's answers (an empty document when there
   * are none yet) with the ETag, re-applying on a conflict; `change` returns
   * undefined to leave it. Resolves with the document as it is afterwards and whether it changed.
   */
  update(tenantId: string, planId: string, version: number, recipient: string, change: (r: VersionResponse) => VersionResponse | undefined): Promise<{ response: VersionResponse; changed: boolean }>;
  /** Every recipient's answers to the version (one single-partition query). */
  forVersion(tenantId: string, planId: string, version: number): Promise<VersionResponse[]>;
  /** Deletes every answer about the plan (erasure). */
  removeForPlan(tenantId: string, planId: string): Promise<void>;
}
