/**
 * The new version after a meeting, as a story: the meeting capability made
 * the version and calls onVersionFinished (possibly more than once); the
 * version goes to every contact (cards through the outbox, documents listed
 * for the coordinator), the coordinator's card counts the approvals live, a
 * change request reaches the coordinator, and a pending citizen approval is
 * reminded of and recorded. Every read and change is audited (ids and codes
 * only); an outsider or an old version's card is refused, and audited.
 */
import { AuditTrail } from '../../platform/audit/auditTrail';
import type { Environment, UserIdentity } from '../../platform/identity';
import type { AuditLog } from '../../platform/ports';
import {
  VersionResponse, VersionResponseStore, addChangeRequest, approvalHowSchema, approve, changeRequestSchema, distributionOf, errorCode, isCoordinator, isCurrentVersion,
  markDocumentSent, unmarkDocumentSent, recipientContact, recordCitizenApproval, versionNumbered,
} from './approval';
import { CarePlan, Contact, canChange, isMember } from './carePlan';
import type { PlanStore } from './ports';

/** What goes out, through the outbox (src/plans/notify/distribution.ts). Every call is idempotent. */
export interface DistributionNotifier {
  /** The version card to every contact in Teams and the coordinator's card; a reminder when the citizen's approval is pending. */
  distribute(plan: CarePlan, version: number): Promise<{ teams: number; manual: number }>;
  /** The coordinator's card as the answers stand now (an update of the sent card, versions only forward). */
  refreshCoordinator(plan: CarePlan, version: number, responses: VersionResponse[]): Promise<void>;
  /** A change request to the coordinator, as a card of its own (one per request: the index keys it). */
  changeRequested(plan: CarePlan, version: number, contact: Contact, index: number, text: string): Promise<void>;
}

/** Queues the distribution of a version as durable work (never inside the meeting's click; one job per version). */
export interface DistributionQueue {
  queue(tenantId: string, planId: string, version: number, byUserId: string): Promise<'queued' | 'exists'>;
}

export type FinishOutcome = { kind: 'sent'; teams: number; manual: number } | { kind: 'notFound' } | { kind: 'stale' } | { kind: 'locked' };

/** A contact's view of the version, or why not. */
export type ContactOutcome =
  | { kind: 'ok'; plan: CarePlan; contact: Contact; response?: VersionResponse; already?: boolean }
  | { kind: 'invalid'; plan: CarePlan; contact: Contact; response?: VersionResponse; errors: Record<string, string>; typed: string }
  | { kind: 'stale'; plan: CarePlan }
  | { kind: 'locked' }
  | { kind: 'denied' };

/** The coordinator's view of the version, or why not. */
export type CoordinatorOutcome =
  | { kind: 'ok'; plan: CarePlan; responses: VersionResponse[]; notice?: 'approvalRecorded' | 'sentMarked' | 'sentUndone' | 'unchanged' }
  | { kind: 'invalid'; plan: CarePlan; responses: VersionResponse[]; errors: Record<string, string>; typed: string }
  | { kind: 'stale'; plan: CarePlan }
  | { kind: 'locked' }
  | { kind: 'denied' };

export interface DistributionDeps {
  plans: PlanStore;
  responses: VersionResponseStore;
  notifier: DistributionNotifier;
  queue: DistributionQueue;
  audit: AuditLog;
  env: Environment;
}

const target = (n: number) => `version:${n}`;

export class DistributionService {
  private readonly trail: AuditTrail;

  constructor(private readonly d: DistributionDeps) {
    this.trail = new AuditTrail(d.audit, d.env);
  }

  /**
   * The meeting made version `n`: queue its distribution (a durable job keyed
   * by plan and version, run at once by the scheduler). Idempotent: the meeting
   * may call it again after a retry, a crash or from a second instance.
   */
  async onVersionFinished(planId: string, n: number, by: UserIdentity): Promise<'queued' | 'exists'> {
    return this.d.queue.queue(by.tenantId, planId, n, by.userId);
  }

  /**
   * Sends version `n` (the job's work). Idempotent (outbox keys per version and
   * recipient, the audit entry keyed by the version): a retried job sends
   * nothing twice. Only the plan's newest version goes out, and only while the plan is open.
   */
  async distributeNow(tenantId: string, planId: string, n: number, byUserId: string): Promise<FinishOutcome> {
    const plan = await this.d.plans.get(tenantId, planId);
    if (!plan || !versionNumbered(plan, n)) return { kind: 'notFound' };
    if (!isCurrentVersion(plan, n)) return { kind: 'stale' };
    if (!canChange(plan)) return { kind: 'locked' };
    const sent = await this.d.notifier.distribute(plan, n);
    await this.trail.changed({ tenantId, userId: byUserId }, plan.id, 'version.distributed', { version: n, teams: sent.teams, manual: sent.manual }, { key: [String(n)], at: versionNumbered(plan, n)!.at });
    return { kind: 'sent', ...sent };
  }

  /** The contact's card as it is now (Teams refreshes it when it is looked at): a look. */
  async contactView(user: UserIdentity, planId: string, n: number): Promise<ContactOutcome> {
    const found = await this.forContact(user, planId, n, 'read');
    if (found.kind !== 'ok') return found;
    const response = (await this.d.responses.forVersion(user.tenantId, planId, n)).find((r) => r.recipientId === found.contact.id);
    await this.trail.read(user, planId, 'version.read', target(n));
    return { ...found, response };
  }

  /** "Godkend mine indsatser": the first approval stands; a second click or a replay changes nothing. */
  async approve(user: UserIdentity, planId: string, n: number): Promise<ContactOutcome> {
    const found = await this.forContact(user, planId, n, 'change');
    if (found.kind !== 'ok') return found;
    const by = { userId: user.userId, name: user.name };
    const { response, changed } = await this.d.responses.update(user.tenantId, planId, n, found.contact.id, (r) => approve(r, by, this.d.env.now()));
    if (changed) {
      await this.trail.changed(user, planId, 'version.approved', { version: n, contactId: found.contact.id }, { key: [String(n), found.contact.id], at: response.approved!.at });
      await this.refresh(found.plan, n);
    }
    return { ...found, response, already: !changed };
  }

  /** "Bed om en ændring": the text is kept and reaches the coordinator as a card; the same text again adds nothing. */
  async requestChange(user: UserIdentity, planId: string, n: number, typed: string): Promise<ContactOutcome> {
    const found = await this.forContact(user, planId, n, 'change');
    if (found.kind !== 'ok') return found;
    const parsed = changeRequestSchema.safeParse(typed);
    if (!parsed.success) return { ...found, kind: 'invalid', errors: { changeText: errorCode(parsed.error.issues[0], typed) }, typed };
    const text = parsed.data;
    const by = { userId: user.userId, name: user.name };
    let result: ReturnType<typeof addChangeRequest> | undefined;
    const { response } = await this.d.responses.update(user.tenantId, planId, n, found.contact.id, (r) => {
      result = addChangeRequest(r, by, text, this.d.env.now());
      return result.kind === 'added' ? result.response : undefined;
    });
    if (result?.kind === 'tooMany') return { ...found, kind: 'invalid', response, errors: { changeText: 'tooManyRequests' }, typed };
    const index = result!.index;
    if (result?.kind === 'added') {
      await this.trail.changed(user, planId, 'version.changeRequested', { version: n, contactId: found.contact.id, index }, { key: [String(n), found.contact.id, String(index)] });
      await this.refresh(found.plan, n);
    }
    // Also for a repeat: the card's outbox key is the request's, so a crash before it was queued is healed and nothing goes twice.
    await this.d.notifier.changeRequested(found.plan, n, found.contact, index, text);
    return { ...found, response, already: result?.kind === 'repeat' };
  }

  /** The coordinator's card as it is now: a look. */
  async coordinatorView(user: UserIdentity, planId: string, n: number): Promise<CoordinatorOutcome> {
    const found = await this.forCoordinator(user, planId, n, 'read');
    if (found.kind !== 'ok') return found;
    await this.trail.read(user, planId, 'version.read', `coordinator:${n}`);
    return { ...found, responses: await this.d.responses.forVersion(user.tenantId, planId, n) };
  }

  /** "Markér som sendt" for the citizen's or an outside contact's document; `undo` takes a mark back ("Fortryd"). */
  async markSent(user: UserIdentity, planId: string, n: number, recipient: string, undo = false): Promise<CoordinatorOutcome> {
    const found = await this.forCoordinator(user, planId, n, 'change');
    if (found.kind !== 'ok') return found;
    if (!distributionOf(found.plan).manual.some((m) => m.key === recipient)) {
      await this.trail.refused(user, planId, 'stale', target(n), { recipient: recipient.slice(0, 64) });
      return { kind: 'stale', plan: found.plan };
    }
    const by = { userId: user.userId, name: user.name };
    const { response, changed } = await this.d.responses.update(user.tenantId, planId, n, recipient, (r) => (undo ? unmarkDocumentSent(r) : markDocumentSent(r, by, this.d.env.now())));
    // A mark, an undo and a mark again are three entries (the mark's time keys each mark).
    if (changed && !undo) await this.trail.changed(user, planId, 'version.documentSent', { version: n, recipient }, { key: [String(n), recipient, response.documentSent!.at], at: response.documentSent!.at });
    if (changed && undo) await this.trail.changed(user, planId, 'version.documentUnsent', { version: n, recipient });
    const responses = await this.d.responses.forVersion(user.tenantId, planId, n);
    if (changed) await this.d.notifier.refreshCoordinator(found.plan, n, responses);
    return { kind: 'ok', plan: found.plan, responses, notice: !changed ? 'unchanged' : undo ? 'sentUndone' : 'sentMarked' };
  }

  /** The coordinator records the citizen's approval given after the meeting: how, by whom, when (the agreements stay as agreed). */
  async recordApproval(user: UserIdentity, planId: string, n: number, typed: string): Promise<CoordinatorOutcome> {
    const found = await this.forCoordinator(user, planId, n, 'change');
    if (found.kind !== 'ok') return found;
    const responses = await this.d.responses.forVersion(user.tenantId, planId, n);
    const parsed = approvalHowSchema.safeParse(typed);
    if (!parsed.success) return { kind: 'invalid', plan: found.plan, responses, errors: { approvalHow: errorCode(parsed.error.issues[0], typed) }, typed };
    const by = { userId: user.userId, name: user.name };
    let changed = false;
    const plan = await this.d.plans.update(user.tenantId, planId, (p) => {
      const next = isCoordinator(p, user.userId) && isCurrentVersion(p, n) ? recordCitizenApproval(p, n, parsed.data, by, this.d.env.now()) : undefined;
      changed = !!next;
      return next;
    });
    if (!plan) return { kind: 'denied' };
    if (changed) {
      await this.trail.changed(user, planId, 'version.citizenApproved', { version: n }, { key: [String(n)] });
      await this.d.notifier.refreshCoordinator(plan, n, responses);
    }
    return { kind: 'ok', plan, responses, notice: changed ? 'approvalRecorded' : 'unchanged' };
  }

  /** A card's data that did not parse: a refusal, filed under the plan it names. */
  async refuseInvalid(user: UserIdentity, planId: string): Promise<void> {
    const plan = await this.d.plans.get(user.tenantId, planId);
    await this.trail.refused(user, planId, !plan ? 'notFound' : isMember(plan, user.userId) ? 'invalidPayload' : 'notMember', 'version');
  }

  /** The plan and the acting contact, or a refusal (audited: every time for a change, once per window for a look). */
  private async forContact(user: UserIdentity, planId: string, n: number, kind: 'read' | 'change'): Promise<ContactOutcome> {
    const plan = await this.d.plans.get(user.tenantId, planId);
    const contact = plan && recipientContact(plan, user.userId);
    const refuse = (reason: 'notFound' | 'notMember' | 'locked' | 'stale') =>
      kind === 'read' ? this.trail.refusedRead(user, planId, reason, target(n)) : this.trail.refused(user, planId, reason, target(n));
    if (!plan || !contact) {
      await refuse(!plan ? 'notFound' : 'notMember');
      return { kind: 'denied' };
    }
    if (!canChange(plan)) {
      await refuse('locked');
      return { kind: 'locked' };
    }
    if (!versionNumbered(plan, n) || (kind === 'change' && !isCurrentVersion(plan, n))) {
      await refuse('stale');
      return { kind: 'stale', plan };
    }
    return { kind: 'ok', plan, contact };
  }

  private async forCoordinator(user: UserIdentity, planId: string, n: number, kind: 'read' | 'change'): Promise<CoordinatorOutcome> {
    const plan = await this.d.plans.get(user.tenantId, planId);
    const refuse = (reason: 'notFound' | 'notMember' | 'notCoordinator' | 'locked' | 'stale') =>
      kind === 'read' ? this.trail.refusedRead(user, planId, reason, `coordinator:${n}`) : this.trail.refused(user, planId, reason, `coordinator:${n}`);
    if (!plan || !isCoordinator(plan, user.userId)) {
      await refuse(!plan ? 'notFound' : isMember(plan, user.userId) ? 'notCoordinator' : 'notMember');
      return { kind: 'denied' };
    }
    if (!canChange(plan)) {
      await refuse('locked');
      return { kind: 'locked' };
    }
    if (!versionNumbered(plan, n) || (kind === 'change' && !isCurrentVersion(plan, n))) {
      await refuse('stale');
      return { kind: 'stale', plan };
    }
    return { kind: 'ok', plan, responses: [] };
  }

  private async refresh(plan: CarePlan, n: number): Promise<void> {
    await this.d.notifier.refreshCoordinator(plan, n, await this.d.responses.forVersion(plan.tenantId, plan.id, n));
  }
}
