/**
 * The end of sharing and the end of a plan: the citizen withdraws consent
 * (fully or one scope), the organiser closes the plan with a reason, and both
 * set when the plan's documents are erased. Pure: no I/O.
 *
 * What a withdrawal does is decided here once: the consent's remaining scopes
 * decide who still sees the plan (memberIdsFor), which links and notices may
 * still go out (mayShareWith), and which open meetings must be cancelled
 * (meetings/domain: meetingCoveredBy). Nothing else keeps its own copy of the rule.
 */
import { z } from 'zod';
import {
  Actor,
  CLOSE_REASONS,
  CONSENT_METHODS,
  CONSENT_SCOPES,
  CarePlan,
  Consent,
  ConsentScope,
  ConsentWithdrawal,
  LIMITS,
  canChange,
  consentCovers,
  isRealDate,
  latestToday,
  memberIdsFor,
} from './carePlan';
import { canManageNetwork } from './teamsLink';

/** What the organiser may withdraw: everything, or one scope the consent still covers. */
export const WITHDRAW_CHOICES = ['all', ...CONSENT_SCOPES] as const;
export type WithdrawChoice = (typeof WITHDRAW_CHOICES)[number];

/** How long the plan's documents are kept after the plan ended, in days (settings, see README). */
export interface RetentionPolicy {
  daysAfterClose: number;
  daysAfterWithdrawal: number;
}

const DAY_MS = 24 * 3600_000;

const optionalNote = z
  .string()
  .trim()
  .max(LIMITS.note, `max:${LIMITS.note}`)
  .optional()
  .transform((v) => (v === '' ? undefined : v));

/** What the organiser records about a withdrawal: which scope (or all), how, when, a note. */
export const withdrawalInputSchema = z.object({
  scope: z.enum(WITHDRAW_CHOICES, { errorMap: () => ({ message: 'chooseScope' }) }),
  method: z.enum(CONSENT_METHODS, { errorMap: () => ({ message: 'chooseMethod' }) }),
  on: z
    .string()
    .trim()
    .min(1, 'required')
    .refine(isRealDate, 'invalidDate')
    .refine((v) => v <= latestToday(), 'dateInFuture'),
  note: optionalNote,
});
export type WithdrawalInput = z.output<typeof withdrawalInputSchema>;

/** Why the organiser closes the plan; "other" needs a note. */
export const closeInputSchema = z
  .object({
    reason: z.enum(CLOSE_REASONS, { errorMap: () => ({ message: 'chooseReason' }) }),
    note: optionalNote,
  })
  .superRefine((v, ctx) => {
    if (v.reason === 'other' && !v.note) ctx.addIssue({ code: 'custom', path: ['note'], message: 'noteRequired' });
  });
export type CloseInput = z.output<typeof closeInputSchema>;

/** Only the organiser (the creator, until a coordinator exists) withdraws consent or closes the plan, and only while it is open. */
export function canEndPlan(plan: Pick<CarePlan, 'status' | 'createdBy'> & { consent: Pick<CarePlan['consent'], 'status'> }, userId: string): boolean {
  return canChange(plan) && canManageNetwork(plan, userId);
}

/** The scopes a withdrawal of `choice` takes away, or undefined when the consent no longer covers that scope. */
export function scopesWithdrawn(consent: Pick<Consent, 'covers'>, choice: WithdrawChoice): ConsentScope[] | undefined {
  if (choice === 'all') return [...consent.covers];
  return consent.covers.includes(choice) ? [choice] : undefined;
}

/** Checks a withdrawal against the plan as it is: the date not before the consent was given. */
export function withdrawalErrors(plan: Pick<CarePlan, 'consent'>, input: WithdrawalInput): Record<string, string> | undefined {
  if (!scopesWithdrawn(plan.consent, input.scope)) return { scope: 'chooseScope' };
  if (input.on < plan.consent.obtainedOn) return { on: 'beforeConsent' };
  return undefined;
}

/** When a plan that ended at `at` is erased. */
export function eraseAfter(at: Date, days: number): string {
  return new Date(at.getTime() + days * DAY_MS).toISOString();
}

/**
 * Records the withdrawal and applies it at once: the scopes go, the network
 * shrinks to what the remaining consent covers, and with nothing left the plan
 * is locked and its erasure is set. Undefined when it may not happen (the plan
 * is not open, the scope is no longer covered, the date is wrong).
 */
export function withdraw(plan: CarePlan, input: WithdrawalInput, by: Actor, now: Date, retention: RetentionPolicy): CarePlan | undefined {
  if (!canChange(plan) || withdrawalErrors(plan, input)) return undefined;
  const scopes = scopesWithdrawn(plan.consent, input.scope)!;
  const covers = plan.consent.covers.filter((s) => !scopes.includes(s));
  const full = covers.length === 0;
  const at = now.toISOString();
  // A full withdrawal keeps the scopes on record (what the consent covered); the status says none applies.
  const remaining: Consent = { ...plan.consent, ...(full ? { status: 'withdrawn' as const } : { covers }) };
  const memberIds = memberIdsFor({ ...plan, consent: remaining });
  const withdrawal: ConsentWithdrawal = {
    scopes,
    full,
    method: input.method,
    on: input.on,
    ...(input.note ? { note: input.note } : {}),
    by,
    recordedAt: at,
    removedMemberIds: plan.memberIds.filter((id) => !memberIds.includes(id)),
  };
  const next: CarePlan = { ...plan, consent: { ...remaining, withdrawals: [...(plan.consent.withdrawals ?? []), withdrawal] }, memberIds, updatedAt: at };
  return {
    ...next,
    // Pending "is this you?" questions the consent no longer covers are dropped with it.
    contacts: dropUncoveredOffers(next),
    ...(full ? { eraseAfter: eraseAfter(now, retention.daysAfterWithdrawal) } : {}),
  };
}

/** Closes the plan with a reason: read-only from now on, erased after the retention period. Undefined unless it is open. */
export function closePlan(plan: CarePlan, input: CloseInput, by: Actor, now: Date, retention: RetentionPolicy): CarePlan | undefined {
  if (!canChange(plan)) return undefined;
  const at = now.toISOString();
  return {
    ...plan,
    status: 'closed',
    closure: { reason: input.reason, ...(input.note ? { note: input.note } : {}), by, at },
    eraseAfter: eraseAfter(now, retention.daysAfterClose),
    updatedAt: at,
  };
}

function dropUncoveredOffers(plan: CarePlan): CarePlan['contacts'] {
  return plan.contacts.map((c) => {
    if (!c.pendingTeamsUserId || consentCovers(plan, c)) return c;
    const { pendingTeamsUserId: _asked, ...rest } = c;
    return rest;
  });
}

/** The plan's ending events so far (withdrawals and the closing), numbering the network's notices: one fan-out per event. */
export function lifecycleEventCount(plan: Pick<CarePlan, 'consent' | 'closure'>): number {
  return (plan.consent.withdrawals?.length ?? 0) + (plan.closure ? 1 : 0);
}

/** Whether the plan has ended for good (closed or consent fully withdrawn): its erasure is due at `eraseAfter`. */
export function hasEnded(plan: Pick<CarePlan, 'consent' | 'status'>): boolean {
  return !canChange(plan);
}
