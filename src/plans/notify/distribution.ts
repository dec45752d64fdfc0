/**
 * A new plan version over the durable outbox: one card per contact in Teams
 * (present at the meeting or not), the coordinator's card and its live
 * updates, each change request as a card to the coordinator, and – when the
 * citizen's approval is pending – a reminder to the coordinator a few working
 * days later (a durable job that checks the plan when it runs).
 *
 * Every message key is made of ids (plan, version, contact, request index), so
 * a repeated onVersionFinished, a retried click or a restart after kill -9
 * sends nothing twice; the outbox delivers each exactly once per recipient.
 */
import { z } from 'zod';
import { AuditTrail } from '../../platform/audit/auditTrail';
import { inlineText, plainText } from '../../platform/cards/markdown';
import { noticeCard } from '../../platform/cards/views';
import type { ConversationDirectory } from '../../platform/conversations/conversationReferences';
import { format, localeOf, type Locale } from '../../platform/i18n';
import type { Environment } from '../../platform/identity';
import { errorFields, type Logger } from '../../platform/logger';
import type { Outbox } from '../../platform/outbox/outbox';
import { ADAPTIVE_CARD, type OutboxRecipient } from '../../platform/outbox/model';
import type { AuditLog } from '../../platform/ports';
import { DurableJob } from '../../platform/scheduler/jobKinds';
import type { JobQueue } from '../../platform/scheduler/scheduler';
import { coordinatorUserId } from '../domain/agreements';
import { REMINDER_WORKING_DAYS, VersionResponse, VersionResponseStore, distributionOf, isCurrentVersion, responsesVersion, versionNumbered, workingDaysAfter } from '../domain/approval';
import { CarePlan, Contact, PlanVersion, canChange } from '../domain/carePlan';
import { currentVersion } from '../domain/planHistory';
import type { DistributionNotifier, DistributionQueue } from '../domain/distributionService';
import type { DocumentLinkTarget } from '../domain/planDocument';
import type { PlanStore } from '../domain/ports';
import { coordinatorCard, versionCard, type CardNotice } from '../bot/versionViews';

/** The fan-out of version `n`'s contact cards. */
export const versionKey = (planId: string, n: number): string => `planVersion:${planId}:${n}`;
/**
 * The coordinator's card of version `n` (sent once, then updated): without a contact id the key the
 * version went out under; with one, the card a coordinator who took over later got (one per contact, so
 * a handover and a handover back send nothing twice and every card keeps its own live updates).
 */
export const coordinatorKey = (planId: string, n: number, contactId?: string): string =>
  contactId ? `${versionKey(planId, n)}:coordinator:${contactId}` : `${versionKey(planId, n)}:coordinator`;
const changeKey = (planId: string, n: number, contactId: string, index: number) => `${versionKey(planId, n)}:change:${contactId}:${index}`;
const reminderKey = (planId: string, n: number) => `${versionKey(planId, n)}:reminder`;

export const CITIZEN_REMINDER_KIND = 'plan.version.citizenReminder';
export const DISTRIBUTE_KIND = 'plan.version.distribute';
const distributePayload = z.object({
  planId: z.string().min(1).max(64),
  version: z.number().int().min(1).max(1_000_000),
  // Who finished the meeting (the audit entry's actor): an id only, like everything in a job.
  byUserId: z.string().min(1).max(256),
});

/**
 * The durable job that sends a version (one per plan and version: the key is
 * taken for as long as the ended job is kept, 90 days); `run` is the service's
 * distributeNow. Several attempts: the outbox and the audit make a repeat a no-op.
 */
export function defineDistributionJob(jobs: JobQueue, run: (tenantId: string, planId: string, version: number, byUserId: string) => Promise<unknown>): DistributionQueue {
  jobs.define({
    kind: DISTRIBUTE_KIND,
    payload: distributePayload,
    maxAttempts: 8,
    backoff: { baseMs: 5_000, maxMs: 10 * 60_000 },
    run: async (p, { job: j }) => void (await run(j.tenantId, p.planId, p.version, p.byUserId)),
  });
  return distributionQueueOn(jobs);
}

/** Queues a version's distribution on any queue (an instance that runs the kind picks it up). */
export function distributionQueueOn(jobs: JobQueue): DistributionQueue {
  const job = new DurableJob(jobs, { kind: DISTRIBUTE_KIND, payload: distributePayload });
  return {
    queue: async (tenantId, planId, version, byUserId) => ((await job.enqueue({ tenantId, key: `${planId}:${version}`, payload: { planId, version, byUserId } })).result === 'exists' ? 'exists' : 'queued'),
  };
}
const reminderPayload = z.object({ planId: z.string().min(1).max(64), version: z.number().int().min(1).max(1_000_000) });

export interface DistributionOptions {
  outbox: Outbox;
  /** Only to read a person's stored locale; the outbox finds or creates their chat when sending. */
  directory: Pick<ConversationDirectory, 'find'>;
  /** Signed links to a copy of the plan (src/plans/http/documentLinks.ts). */
  documentUrl(target: DocumentLinkTarget): string;
  linkHours: number;
  jobs: JobQueue;
  plans: PlanStore;
  responses: VersionResponseStore;
  audit: AuditLog;
  env: Environment;
  logger: Logger;
}

export class OutboxDistribution implements DistributionNotifier {
  private readonly reminder: DurableJob<z.infer<typeof reminderPayload>>;
  private readonly trail: AuditTrail;

  constructor(private readonly o: DistributionOptions) {
    this.trail = new AuditTrail(o.audit, o.env);
    this.reminder = o.jobs.define({
      kind: CITIZEN_REMINDER_KIND,
      payload: reminderPayload,
      run: async (payload, { job }) => this.remind(job.tenantId, payload.planId, payload.version),
    });
  }

  async distribute(plan: CarePlan, n: number): Promise<{ teams: number; manual: number }> {
    const version = versionNumbered(plan, n)!;
    const list = distributionOf(plan);
    const recipients: OutboxRecipient[] = [];
    for (const contact of list.teams) {
      const loc = await this.localeOf(plan, contact.teamsUserId!);
      const card = versionCard(plan, version, contact, undefined, loc);
      recipients.push({ userId: contact.teamsUserId!, activity: { type: 'message', summary: loc.t.planVersion.summary, attachments: [{ contentType: ADAPTIVE_CARD, content: card }] } });
    }
    if (recipients.length) await this.o.outbox.enqueue(versionKey(plan.id, n), plan.tenantId, recipients);
    const coordinator = coordinatorUserId(plan);
    await this.o.outbox.enqueue(coordinatorKey(plan.id, n), plan.tenantId, [{ userId: coordinator, activity: await this.coordinatorActivity(plan, version, [], coordinator) }]);
    if (version.approval?.status === 'pending') {
      const runAt = workingDaysAfter(new Date(version.at), REMINDER_WORKING_DAYS);
      await this.reminder.enqueue({ tenantId: plan.tenantId, key: `${plan.id}:${n}`, payload: { planId: plan.id, version: n }, runAt });
    }
    this.o.logger.info('plan.version.distributed', { planId: plan.id, version: n, teams: list.teams.length, manual: list.manual.length });
    return { teams: list.teams.length, manual: list.manual.length };
  }

  async refreshCoordinator(plan: CarePlan, n: number, responses: VersionResponse[]): Promise<void> {
    const version = versionNumbered(plan, n);
    if (!version) return;
    const coordinator = coordinatorUserId(plan);
    try {
      const messageKey = await this.coordinatorMessageKey(plan, n, coordinator);
      if (!messageKey) return;
      // Urgent: it follows somebody's click and must not wait behind a large fan-out.
      await this.o.outbox.update(plan.tenantId, {
        target: { messageKey, userId: coordinator },
        version: responsesVersion(plan, responses, this.o.env.now()),
        activity: await this.coordinatorActivity(plan, version, responses, coordinator),
        priority: 'urgent',
      });
    } catch (err) {
      // The card refreshes itself when opened (Universal Actions refresh): a failed update only delays the tally.
      this.o.logger.warn('plan.version.coordinatorUpdateFailed', { planId: plan.id, version: n, ...errorFields(err) });
    }
  }

  /**
   * The coordinator role moved (a handover was accepted): the current version's coordinator card goes
   * to the new coordinator under their own key, as the answers stand now. Idempotent: a repeat, or a
   * coordinator who already has a card of this version (a handover back), only brings it up to date.
   * A version not sent yet is left to its distribution, which addresses whoever coordinates then.
   */
  async coordinatorChanged(tenantId: string, planId: string): Promise<void> {
    const plan = await this.o.plans.get(tenantId, planId);
    if (!plan || !canChange(plan)) return;
    const version = currentVersion(plan);
    const n = version.number;
    const sent = await this.o.outbox.status(tenantId, coordinatorKey(planId, n));
    if (sent.total === 0) return;
    const coordinator = coordinatorUserId(plan);
    const responses = await this.o.responses.forVersion(tenantId, planId, n);
    const contactId = plan.agreements?.coordinator?.contactId;
    if (contactId && !sent.recipientIds.includes(coordinator)) {
      const queued = await this.o.outbox.enqueue(coordinatorKey(planId, n, contactId), tenantId, [{ userId: coordinator, activity: await this.coordinatorActivity(plan, version, responses, coordinator) }]);
      this.o.logger.info('plan.version.coordinatorCardHandedOver', { planId, version: n, contactId, created: queued.created });
      if (queued.created) return;
    }
    await this.refreshCoordinator(plan, n, responses);
  }

  async changeRequested(plan: CarePlan, n: number, contact: Contact, index: number, text: string): Promise<void> {
    const coordinator = coordinatorUserId(plan);
    const loc = await this.localeOf(plan, coordinator);
    const { t } = loc;
    const card = noticeCard(format(t.planVersion.changeRequestText, { name: inlineText(contact.name), n, reference: plainText(plan.reference), text: plainText(text) }), 'Default', t.planVersion.changeRequestTitle);
    await this.o.outbox.enqueue(changeKey(plan.id, n, contact.id, index), plan.tenantId, [
      { userId: coordinator, activity: { type: 'message', summary: t.planVersion.changeRequestTitle, attachments: [{ contentType: ADAPTIVE_CARD, content: card }] } },
    ]);
  }

  /** The coordinator's card for one viewer, with signed links to each copy of this version in their language. */
  coordinatorCardFor(plan: CarePlan, version: PlanVersion, responses: readonly VersionResponse[], loc: Locale, viewerId: string, opts: CardNotice = {}) {
    return coordinatorCard(plan, version, responses, loc, {
      ...opts,
      viewerId,
      linkHours: this.o.linkHours,
      documentUrl: (recipient) => this.o.documentUrl({ tenantId: plan.tenantId, planId: plan.id, version: version.number, recipient, language: loc.language }),
    });
  }

  /** The reminder job: only while the plan is open, the version is the newest and the citizen's approval still pending. */
  private async remind(tenantId: string, planId: string, n: number): Promise<void> {
    const plan = await this.o.plans.get(tenantId, planId);
    const version = plan && versionNumbered(plan, n);
    if (!plan || !version || !canChange(plan) || !isCurrentVersion(plan, n) || version.approval?.status !== 'pending') return;
    const coordinator = coordinatorUserId(plan);
    const responses = await this.o.responses.forVersion(tenantId, planId, n);
    const loc = await this.localeOf(plan, coordinator);
    const notice = { notice: format(loc.t.planVersion.reminderNotice, { n }), noticeColor: 'Attention' as const };
    await this.o.outbox.enqueue(reminderKey(planId, n), tenantId, [{ userId: coordinator, activity: await this.coordinatorActivity(plan, version, responses, coordinator, notice) }]);
    await this.trail.read({ tenantId, userId: 'system:reminder' }, planId, 'plan.read', 'plan', { via: 'versionReminder' });
  }

  /**
   * The key of the card `coordinator` actually got: the distribution's if it went to them (also after a
   * handover back), else the one sent when they took over; undefined when they have none.
   */
  private async coordinatorMessageKey(plan: CarePlan, n: number, coordinator: string): Promise<string | undefined> {
    const first = coordinatorKey(plan.id, n);
    const sent = await this.o.outbox.status(plan.tenantId, first);
    // Not sent yet (or by an older release that keyed it the same way): the distribution's key, as always.
    if (sent.total === 0 || sent.recipientIds.includes(coordinator)) return first;
    const contactId = plan.agreements?.coordinator?.contactId;
    return contactId ? coordinatorKey(plan.id, n, contactId) : undefined;
  }

  private async coordinatorActivity(plan: CarePlan, version: PlanVersion, responses: readonly VersionResponse[], viewerId: string, opts: CardNotice = {}) {
    const loc = await this.localeOf(plan, viewerId);
    const card = this.coordinatorCardFor(plan, version, responses, loc, viewerId, opts);
    return { type: 'message' as const, summary: loc.t.planVersion.coordinatorTitle, attachments: [{ contentType: ADAPTIVE_CARD as typeof ADAPTIVE_CARD, content: card }] };
  }

  private async localeOf(plan: CarePlan, userId: string): Promise<Locale> {
    return localeOf((await this.o.directory.find(plan.tenantId, userId))?.locale);
  }
}
