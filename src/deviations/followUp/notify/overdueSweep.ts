/**
 * The overdue sweep: a durable job that runs every OVERDUE_SWEEP_SECONDS
 * (default 15 minutes), asks the plans for open actions past their deadline
 * day (one due query) and takes the next step for each: the reminder to the
 * responsible contact, a day later the automatic deviation to the coordinator.
 *
 * Why a due query, not a job per action: whoever writes the agreements (the
 * meeting, "done" on a task, an edit) needs to tell nobody – the sweep reads
 * the plans as they are now, so a new version, a moved deadline or an action
 * marked done re-plans by itself. Two instances: the sweep job of a period is
 * claimed by one scheduler (ETag); each step is recorded once per (plan,
 * action, deadline) in the `followUps` container (create-once, ETag claim),
 * the reminder is keyed in the outbox, and reportOverdue is idempotent.
 */
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { AuditTrail } from '../../../platform/audit/auditTrail';
import { inlineText } from '../../../platform/cards/markdown';
import type { ConversationDirectory } from '../../../platform/conversations/conversationReferences';
import { formatDate, localeOf } from '../../../platform/i18n';
import { errorFields, type Logger } from '../../../platform/logger';
import type { Outbox } from '../../../platform/outbox/outbox';
import type { AuditLog } from '../../../platform/ports';
import { jobId, type JobQueue } from '../../../platform/scheduler/scheduler';
import { canChange, isMember, type CarePlan } from '../../../plans/domain/carePlan';
import type { PlanStore } from '../../../plans/domain/ports';
import type { AutomaticDeviations } from '../../domain/ports';
import { render } from '../bot/cardModels';
import { nextStep, overdueRecordId, todayInDeadlineZone, type OverdueAction, type OverdueRecord } from '../domain/overdue';
import type { FollowUpStore, OverdueQuery } from '../domain/ports';

export const SWEEP_KIND = 'followUp.overdue.sweep';
/** Overdue actions handled at once within a sweep. */
const SWEEP_CONCURRENCY = 8;
/** The schedule container's partition needs a tenant: the sweep spans every tenant. */
const SWEEP_TENANT = 'all-tenants';

export interface SweepDeps {
  query: OverdueQuery;
  store: FollowUpStore;
  plans: PlanStore;
  outbox: Outbox;
  directory: Pick<ConversationDirectory, 'find'>;
  audit: AuditLog;
  deviations: AutomaticDeviations;
  logger: Logger;
}

/** What one sweep did (tests and logs). */
export interface SweepReport {
  found: number;
  reminded: number;
  reported: number;
  failed: number;
}

/** Runs one sweep at `now`: every overdue action's next step. */
export async function sweepOverdue(d: SweepDeps, now: Date): Promise<SweepReport> {
  const report: SweepReport = { found: 0, reminded: 0, reported: 0, failed: 0 };
  const found = await d.query.overdue(todayInDeadlineZone(now));
  report.found = found.length;
  const one = async (action: OverdueAction) => {
    try {
      const step = nextStep(action, await d.store.getOverdue(action.tenantId, overdueRecordId(action)), now);
      if (step === 'remind' && (await remind(d, action, now))) report.reminded++;
      if (step === 'report' && (await reportOverdue(d, action, now))) report.reported++;
    } catch (err) {
      // One plan that fails never holds up the others; the next sweep tries it again.
      report.failed++;
      d.logger.warn('followUp.overdue.failed', { planId: action.planId, actionId: action.actionId, ...errorFields(err) });
    }
  };
  // A few at a time: the sweep stays well inside its job's time limit with thousands overdue, without a burst on the store.
  for (let i = 0; i < found.length; i += SWEEP_CONCURRENCY) await Promise.all(found.slice(i, i + SWEEP_CONCURRENCY).map(one));
  if (report.reminded + report.reported + report.failed > 0) d.logger.info('followUp.overdue.swept', { ...report });
  return report;
}

/** The action as the plan holds it now, if it is still open with this deadline on a plan that can change. */
function stillOverdue(plan: CarePlan | undefined, a: OverdueAction) {
  const action = plan?.agreements?.actions.find((x) => x.id === a.actionId);
  return plan && canChange(plan) && action?.status === 'open' && action.deadline === a.deadline ? action : undefined;
}

async function remind(d: SweepDeps, a: OverdueAction, now: Date): Promise<boolean> {
  const plan = await d.plans.get(a.tenantId, a.planId);
  const action = stillOverdue(plan, a);
  if (!plan || !action) return false;
  const contact = plan.contacts.find((c) => c.id === action.responsibleContactId);
  const userId = contact?.teamsUserId && isMember(plan, contact.teamsUserId) ? contact.teamsUserId : undefined;
  const key = overdueRecordId(a);
  if (userId) {
    // The reminder shows the action to its responsible on the system's behalf: audited like any read ("Samspil (påmindelse)" in the access log).
    await new AuditTrail(d.audit, { now: () => now, newId: randomUUID }).read({ tenantId: a.tenantId, userId: 'system:reminder' }, plan.id, 'plan.read', `reminder:${key}`, { actionId: a.actionId });
    const loc = localeOf((await d.directory.find(a.tenantId, userId))?.locale);
    const t = loc.t.followUp;
    const card = render('followUpReminder', {
      t,
      planId: plan.id,
      facts: [
        { title: t.plan, value: plan.reference },
        { title: t.action, value: inlineText(action.what) },
        { title: t.deadline, value: inlineText(formatDate(action.deadline, loc)) },
      ],
    });
    // Enqueued before it is recorded: a crash in between sends it again under the same key, i.e. once.
    await d.outbox.enqueue(`followUp:${key}`, a.tenantId, [{ userId, activity: { type: 'message', attachments: [{ contentType: 'application/vnd.microsoft.card.adaptive', content: card }] } }]);
  }
  const record: OverdueRecord = {
    id: key, type: 'overdue', tenantId: a.tenantId, planId: a.planId, actionId: a.actionId, deadline: a.deadline,
    remindedAt: now.toISOString(), ...(userId ? {} : { reminderSkipped: 'notInTeams' as const }),
  };
  const created = (await d.store.createOverdue(record)) === 'created';
  if (created) d.logger.info('followUp.overdue.reminded', { planId: a.planId, actionId: a.actionId, inTeams: !!userId });
  return created;
}

async function reportOverdue(d: SweepDeps, a: OverdueAction, now: Date): Promise<boolean> {
  const key = overdueRecordId(a);
  // The claim (ETag): of two sweeps at once, one reports.
  const claim = await d.store.updateOverdue(a.tenantId, key, (r) => (nextStep(a, r, now) === 'report' ? { ...r, reportClaimedAt: now.toISOString() } : undefined));
  if (!claim || claim.after === claim.before) return false;
  const plan = await d.plans.get(a.tenantId, a.planId);
  if (!stillOverdue(plan, a)) return false;
  await d.deviations.reportOverdue(a.tenantId, a.planId, a.actionId, now);
  await d.store.updateOverdue(a.tenantId, key, (r) => ({ ...r, reportedAt: now.toISOString() }));
  d.logger.info('followUp.overdue.reported', { planId: a.planId, actionId: a.actionId });
  return true;
}

/** The sweep job of the period `slot` (epoch ms of its start): one id per period, so instances agree. */
export const sweepJobId = (slot: number): string => jobId(SWEEP_KIND, SWEEP_TENANT, String(slot));

/**
 * Defines the sweep as a durable job that schedules the next period's sweep
 * before it works (a failing sweep never breaks the chain), and returns
 * `start`, which schedules the current period's (idempotent: every instance
 * calls it at start-up).
 */
export function defineSweep(jobs: JobQueue, d: SweepDeps, periodMs: number, now: () => Date): { start(): Promise<void> } {
  const slotOf = (at: number) => Math.floor(at / periodMs) * periodMs;
  const schedule = (slot: number) => jobs.schedule({ id: sweepJobId(slot), tenantId: SWEEP_TENANT, kind: SWEEP_KIND, dueAt: new Date(slot).toISOString(), payload: { slot } });
  jobs.define({
    kind: SWEEP_KIND,
    payload: z.object({ slot: z.number().int() }),
    maxAttempts: 3,
    run: async ({ slot }, { now: started }) => {
      await schedule(Math.max(slot, slotOf(started.getTime())) + periodMs);
      await sweepOverdue(d, now());
    },
  });
  // Periods follow the scheduler's clock (the queue's); what is due follows `now` (the capabilities' clock).
  return { start: async () => void (await schedule(slotOf(jobs.now().getTime()))) };
}
