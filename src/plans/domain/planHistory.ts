/**
 * The plan's versions and its history. Pure: no I/O.
 *
 * A version is what the network and the citizen agreed on: the guide makes
 * version 1, and each coordination meeting that approves the plan makes the
 * next (startNewVersion, for the meeting capability). Edits between meetings
 * (master data, the network, a contact's own details) keep the plan current
 * but do not make a new version: the citizen has not approved them at a
 * meeting. They are recorded in the history against the version they amend,
 * so "version 1, changed since" is always visible.
 */
import type { Actor, CarePlan, PlanChange, PlanVersion } from './carePlan';

/** How many changes the plan itself keeps (the audit trail keeps every one, with codes only). */
export const HISTORY_KEPT = 50;
/** How many changes the plan card shows. */
export const HISTORY_SHOWN = 20;

/** Version 1 and its history entry, as the guide creates the plan. */
export function firstVersion(by: Actor, at: string): Required<Pick<CarePlan, 'versions' | 'history'>> {
  return {
    versions: [{ number: 1, at, by, source: 'guide' }],
    history: [{ at, by, kind: 'versionCreated', version: 1 }],
  };
}

/** The plan's versions, oldest first (a plan stored before versions existed has version 1 from its creation). */
export function versionsOf(plan: Pick<CarePlan, 'versions' | 'createdAt' | 'createdBy'>): PlanVersion[] {
  return plan.versions?.length ? plan.versions : [{ number: 1, at: plan.createdAt, by: plan.createdBy, source: 'guide' }];
}

/** The version in force. */
export function currentVersion(plan: Pick<CarePlan, 'versions' | 'createdAt' | 'createdBy'>): PlanVersion {
  const all = versionsOf(plan);
  return all[all.length - 1]!;
}

/** The history, newest first. */
export function historyOf(plan: Pick<CarePlan, 'history' | 'versions' | 'createdAt' | 'createdBy'>): PlanChange[] {
  if (plan.history?.length) return plan.history;
  const v = currentVersion(plan);
  return [{ at: v.at, by: v.by, kind: 'versionCreated', version: v.number }];
}

/** Who changed the plan last, and when (its creation when nothing changed since). */
export function lastChange(plan: Pick<CarePlan, 'history' | 'versions' | 'createdAt' | 'createdBy'>): { by: Actor; at: string } {
  const [newest] = historyOf(plan);
  return { by: newest!.by, at: newest!.at };
}

/** The plan with a change recorded: newest first, capped, against the current version. */
export function withChange(plan: CarePlan, change: Omit<PlanChange, 'at' | 'by' | 'version'>, by: Actor, now: Date): CarePlan {
  const at = now.toISOString();
  const entry: PlanChange = { ...change, at, by, version: currentVersion(plan).number };
  return { ...plan, history: [entry, ...historyOf(plan)].slice(0, HISTORY_KEPT), updatedAt: at };
}

/**
 * A new version of the plan, as a coordination meeting makes it when the
 * citizen approves the plan: recorded in the history like any change.
 */
export function startNewVersion(plan: CarePlan, by: Actor, now: Date, source: PlanVersion['source'] = 'meeting'): CarePlan {
  const at = now.toISOString();
  const number = currentVersion(plan).number + 1;
  const entry: PlanChange = { at, by, kind: 'versionCreated', version: number };
  return {
    ...plan,
    versions: [...versionsOf(plan), { number, at, by, source }],
    history: [entry, ...historyOf(plan)].slice(0, HISTORY_KEPT),
    updatedAt: at,
  };
}
