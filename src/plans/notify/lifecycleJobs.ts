/**
 * What follows a withdrawal of consent or a closing, as durable jobs (not in
 * the organiser's click: each step may need Teams or Cosmos to answer):
 *
 * - `plan.lifecycle.effects`, one per event (withdrawal or closing): other
 *   capabilities bring what they keep in line (open meetings the consent no
 *   longer covers are cancelled through the meeting service, with its neutral
 *   cancellation notices), the network is told through the outbox that the plan
 *   changed or closed – never why – and, once the plan has ended, the erasure is set.
 * - `plan.erase`, one per plan, due when the retention period ends: see erasure.ts.
 *
 * Both read the plan as it is when they run and are idempotent (outbox keys and
 * job keys per event), so a retry or a repeated confirmation adds nothing.
 */
import { z } from 'zod';
import type { ConversationDirectory } from '../../platform/conversations/conversationReferences';
import { noticeCard } from '../../platform/cards/views';
import { format, formatDate, localeOf, type Locale } from '../../platform/i18n';
import type { Logger } from '../../platform/logger';
import type { Outbox } from '../../platform/outbox/outbox';
import { ADAPTIVE_CARD, type OutboxRecipient } from '../../platform/outbox/model';
import type { DurableJob } from '../../platform/scheduler/jobKinds';
import { PermanentJobError } from '../../platform/scheduler/job';
import type { JobQueue } from '../../platform/scheduler/scheduler';
import type { Actor, CarePlan } from '../domain/carePlan';
import type { ErasureService } from '../domain/erasure';
import { hasEnded, lifecycleEventCount } from '../domain/lifecycle';
import type { LifecycleEffects, PlanLifecycleHooks, PlanStore } from '../domain/ports';

/** Attempts of an erasure (about 9 hours with 1 minute doubling to 1 hour); the last erases whatever is left. */
export const ERASE_ATTEMPTS = 12;

const effectsPayload = z.object({ planId: z.string().uuid(), event: z.number().int().min(1).max(100) });
const erasePayload = z.object({ planId: z.string().uuid() });

export interface LifecycleJobDeps {
  plans: PlanStore;
  hooks: PlanLifecycleHooks;
  erasure: ErasureService;
  outbox: Outbox;
  /** Only to read each person's stored locale; the outbox resolves their chat when sending. */
  directory: Pick<ConversationDirectory, 'find'>;
  logger: Logger;
}

/** One ending event of a plan: who acted, and who is told what. */
interface PlanEvent {
  by: Actor;
  removed: string[];
  kind: 'changed' | 'closed';
}

/** The n-th event (1-based): the withdrawals in order, then the closing. */
export function eventOf(plan: CarePlan, n: number): PlanEvent | undefined {
  const withdrawals = plan.consent.withdrawals ?? [];
  const w = withdrawals[n - 1];
  if (w) return { by: w.by, removed: w.removedMemberIds ?? [], kind: 'changed' };
  if (n === withdrawals.length + 1 && plan.closure) return { by: plan.closure.by, removed: [], kind: 'closed' };
  return undefined;
}

/** The outbox key of the network's notice about the plan's n-th event (ids only). */
export const planNoticeKey = (planId: string, n: number): string => `plan:${planId}:event${n}`;

/** The job kinds, defined on the platform's queue. */
export class LifecycleJobs implements LifecycleEffects {
  private readonly effects: DurableJob<z.infer<typeof effectsPayload>>;
  private readonly erase: DurableJob<z.infer<typeof erasePayload>>;

  constructor(
    jobs: JobQueue,
    private readonly d: LifecycleJobDeps,
  ) {
    this.effects = jobs.define({ kind: 'plan.lifecycle.effects', payload: effectsPayload, run: ({ planId, event }, { job }) => this.runEffects(job.tenantId, planId, event) });
    this.erase = jobs.define({
      kind: 'plan.erase',
      payload: erasePayload,
      maxAttempts: ERASE_ATTEMPTS,
      backoff: { baseMs: 60_000, maxMs: 3_600_000 },
      run: async ({ planId }, { job }) => {
        const result = await d.erasure.erase(job.tenantId, planId, job.attempts >= ERASE_ATTEMPTS);
        d.logger.info('plan.erase.done', { planId, result });
        if (result === 'notEnded') throw new PermanentJobError('not_ended');
      },
    });
  }

  /** The job id of a plan's erasure (for tests and operations: ids only). */
  eraseJobId(tenantId: string, planId: string): string {
    return this.erase.idOf(tenantId, planId);
  }

  async queue(plan: CarePlan): Promise<void> {
    const n = lifecycleEventCount(plan);
    if (n === 0) return;
    await this.effects.enqueue({ tenantId: plan.tenantId, key: `${plan.id}:${n}`, payload: { planId: plan.id, event: n } });
  }

  /** Brings every capability in line with the plan, tells the network, and sets the erasure once the plan has ended. */
  private async runEffects(tenantId: string, planId: string, n: number): Promise<void> {
    const plan = await this.d.plans.get(tenantId, planId);
    // Erased already, or an event that never happened: nothing to do.
    const event = plan && eventOf(plan, n);
    if (!plan || !event) return;
    for (const hook of this.d.hooks.afterChange) await hook(plan, event.by);
    await notifyNetwork(plan, n, event, this.d);
    if (hasEnded(plan) && plan.eraseAfter) {
      await this.erase.enqueue({ tenantId, key: planId, payload: { planId }, runAt: plan.eraseAfter });
    }
    this.d.logger.info('plan.lifecycle.applied', { planId, event: n, kind: event.kind, removed: event.removed.length });
  }
}

/** Tells the network: those who lost access that the plan changed, the others that it changed or closed – never why. */
export async function notifyNetwork(plan: CarePlan, n: number, event: PlanEvent, d: Pick<LifecycleJobDeps, 'outbox' | 'directory'>): Promise<void> {
  const told = new Set([event.by.userId]);
  const recipients: OutboxRecipient[] = [];
  const add = async (userId: string, text: (loc: Locale) => string) => {
    if (told.has(userId)) return;
    told.add(userId);
    // The outbox finds (or creates) the person's 1:1 chat when it sends; here only their language is read.
    const loc = localeOf((await d.directory.find(plan.tenantId, userId))?.locale);
    const card = noticeCard(text(loc), 'Default', loc.t.lifecycle.noticeTitle);
    recipients.push({ userId, activity: { type: 'message', summary: loc.t.lifecycle.noticeTitle, attachments: [{ contentType: ADAPTIVE_CARD, content: card }] } });
  };
  const vars = (loc: Locale) => ({ reference: plan.reference, date: plan.eraseAfter ? formatDate(plan.eraseAfter, loc) : '' });
  for (const userId of event.removed) await add(userId, (loc) => format(loc.t.lifecycle.toldRemoved, vars(loc)));
  for (const userId of plan.memberIds) {
    await add(userId, (loc) => format(event.kind === 'closed' ? loc.t.lifecycle.toldClosed : loc.t.lifecycle.toldChanged, vars(loc)));
  }
  if (recipients.length > 0) await d.outbox.enqueue(planNoticeKey(plan.id, n), plan.tenantId, recipients);
}

/** Whether every notice about the plan has left the outbox (delivered or failed: the outbox then drops the content). */
export async function planNoticesFinished(plan: CarePlan, outbox: Outbox): Promise<boolean> {
  for (let n = 1; n <= lifecycleEventCount(plan); n++) {
    const { counts } = await outbox.status(plan.tenantId, planNoticeKey(plan.id, n));
    if (counts.pending + counts.sending > 0) return false;
  }
  return true;
}
