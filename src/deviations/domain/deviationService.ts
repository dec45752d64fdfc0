/**
 * The deviations story: a contact reports (from an action on "mine opgaver",
 * or on a plan), the coordinator is told at once and acknowledges, informs the
 * network, calls a follow-up meeting or closes with what was decided; while
 * nobody acknowledges, escalation steps run as durable jobs. Only the plan's
 * network reads a deviation; only its coordinators handle one. Every read and
 * change is audited (codes only); every refusal changes nothing.
 */
import { AuditTrail } from '../../platform/audit/auditTrail';
import type { DenialReason } from '../../platform/audit/audit';
import type { Environment, UserIdentity } from '../../platform/identity';
import type { AuditLog } from '../../platform/ports';
import { coordinatorUserId, type AgreedAction } from '../../plans/domain/agreements';
import type { Actor, CarePlan } from '../../plans/domain/carePlan';
import { canChange, isMember, lockReason } from '../../plans/domain/carePlan';
import type { PlanStore } from '../../plans/domain/ports';
import {
  acknowledge, close, type CardPlace, type Deviation, escalated, mayHandle, newDeviation, noted, type ReportInput, secondCoordinatorOf, SYSTEM_REPORTER,
} from './deviation';
import type { DeviationNotifier, DeviationStore, EscalationJobs, PlanTasks, TaskSource } from './deviationPorts';
import { escalationDueAt, type EscalationSettings, LAST_STEP } from './escalation';
import type { AutomaticDeviations, EscalationDirectory } from './ports';
import type { WorkingDays } from './workingDays';

export interface DeviationDeps {
  plans: PlanStore;
  deviations: DeviationStore;
  tasks: TaskSource;
  audit: AuditLog;
  env: Environment;
  notifier: DeviationNotifier;
  jobs: EscalationJobs;
  settings: EscalationSettings;
  days: WorkingDays;
  /** The escalation contacts per organisation (task "followup"); without it step 2 finds nobody. */
  directory?: EscalationDirectory;
}

/** One of the user's open actions, with its plan. */
export interface Task {
  plan: Pick<PlanTasks, 'id' | 'reference' | 'citizenName'>;
  action: AgreedAction;
}

export type Refused = { kind: 'denied' } | { kind: 'notCoordinator' } | { kind: 'locked'; reason: 'withdrawn' | 'closed' } | { kind: 'stale'; deviation?: Deviation; plan?: CarePlan };
export type Handled = { kind: 'ok'; deviation: Deviation; plan: CarePlan } | Refused;
export type FormContext = { kind: 'ok'; plan: CarePlan; action?: AgreedAction } | Refused;

const ESCALATION_ACTOR = 'system:escalation';

/** Whether `d`'s last change is the note `kind` by `userId` (to `to`) made on the card drawn at `drawnAt`: that click again. */
function sameClick(d: Deviation, drawnAt: number | undefined, kind: 'networkInformed' | 'followUpCalled', userId: string, to?: string[]): boolean {
  const last = d.history.at(-1);
  return drawnAt !== undefined && d.revision === drawnAt + 1 && last?.kind === kind && last.by.userId === userId && (last.to ?? []).join('\n') === (to ?? []).join('\n');
}

export class DeviationService implements AutomaticDeviations {
  private readonly trail: AuditTrail;

  constructor(private readonly d: DeviationDeps) {
    this.trail = new AuditTrail(d.audit, d.env);
  }

  /** The user's open actions across their plans, nearest deadline first (one query). */
  async myTasks(user: UserIdentity): Promise<Task[]> {
    const plans = await this.d.tasks.plansOf(user.tenantId, user.userId);
    const tasks: Task[] = [];
    for (const plan of plans) {
      if (!canChange(plan)) continue;
      const mine = new Set(plan.contacts.filter((c) => c.teamsUserId === user.userId).map((c) => c.id));
      for (const action of plan.actions) {
        if (action.status === 'open' && mine.has(action.responsibleContactId)) tasks.push({ plan: { id: plan.id, reference: plan.reference, citizenName: plan.citizenName }, action });
      }
    }
    // The list shows each plan's citizen and actions: a look at those plans (once per window each).
    for (const planId of new Set(tasks.map((t) => t.plan.id))) await this.trail.read(user, planId, 'plan.read', 'tasks', { via: 'tasks' });
    return tasks.sort((a, b) => a.action.deadline.localeCompare(b.action.deadline));
  }

  /** The plan (and action) a report form is for, when the user may report on it. */
  async formFor(user: UserIdentity, planId: string, actionId?: string): Promise<FormContext> {
    const plan = await this.memberPlan(user, planId, 'deviationForm');
    if (!plan) return { kind: 'denied' };
    if (!canChange(plan)) return { kind: 'locked', reason: lockReason(plan) ?? 'closed' };
    const action = actionId ? plan.agreements?.actions.find((a) => a.id === actionId) : undefined;
    if (actionId && !action) {
      await this.trail.refused(user, planId, 'stale', 'deviationForm');
      return { kind: 'stale' };
    }
    return { kind: 'ok', plan, ...(action ? { action } : {}) };
  }

  /**
   * Reports a deviation. The form's id makes it idempotent: a double click or a
   * Teams retry finds the deviation already there and tells nobody twice.
   */
  async report(user: UserIdentity, args: { planId: string; formId: string; input: ReportInput; actionId?: string; card?: CardPlace }): Promise<Handled> {
    const ctx = await this.formFor(user, args.planId, args.actionId);
    if (ctx.kind !== 'ok') return ctx;
    const { plan } = ctx;
    const id = this.d.env.stableId('deviation', user.tenantId, args.formId);
    const existing = await this.d.deviations.get(user.tenantId, id);
    if (existing) {
      if (existing.reporter.userId !== user.userId) return this.refuse(user, plan.id, 'notOwner');
      // The same form id sent for another plan or action is a forged or mixed-up card, not a replay: it would
      // re-raise one plan's deviation under another plan's name (and audit it on the wrong plan).
      if (existing.planId !== plan.id || existing.actionId !== args.actionId) return this.refuse(user, plan.id, 'stale');
      // A replay (double click, Teams retry) repeats the idempotent steps: a crash after the create is healed, nothing is sent twice.
      await this.raise(plan, existing, user.userId);
      return { kind: 'ok', deviation: existing, plan };
    }
    const contact = plan.contacts.find((c) => c.teamsUserId === user.userId);
    const deviation = newDeviation({
      id, plan, input: args.input, reporter: { userId: user.userId, name: contact?.name ?? user.name }, reporterContactId: contact?.id, actionId: args.actionId, now: this.d.env.now(),
    });
    const stored = args.card ? { ...deviation, reporterCard: args.card } : deviation;
    await this.raise(plan, stored, user.userId);
    return { kind: 'ok', deviation: (await this.d.deviations.get(user.tenantId, id)) ?? stored, plan };
  }

  /** Stores the deviation, audits it, tells the coordinator and schedules the first escalation step (each step idempotent). */
  private async raise(plan: CarePlan, deviation: Deviation, actorId: string): Promise<void> {
    await this.d.deviations.create(deviation);
    const who = { tenantId: plan.tenantId, userId: actorId };
    await this.trail.changed(who, plan.id, 'deviation.reported', { deviationId: deviation.id, category: deviation.category, urgency: deviation.urgency }, { key: [deviation.id], at: deviation.createdAt });
    await this.d.notifier.notify(plan, deviation, { kind: 'coordinator', userIds: [deviation.coordinatorUserId] });
    await this.d.jobs.schedule(deviation, 1, escalationDueAt(deviation.urgency, new Date(deviation.createdAt), this.d.settings, this.d.days));
  }

  /** The automatic deviation for an overdue action: once per (plan, action, deadline), reported by Samspil. */
  async reportOverdue(tenantId: string, planId: string, actionId: string, now: Date): Promise<void> {
    const plan = await this.d.plans.get(tenantId, planId);
    const action = plan?.agreements?.actions.find((a) => a.id === actionId);
    if (!plan || !action || action.status !== 'open' || !canChange(plan)) return;
    const id = this.d.env.stableId('deviation.overdue', tenantId, planId, actionId, action.deadline);
    // Already stored: repeat the idempotent steps, so a crash between storing it and telling the coordinator heals
    // on the sweep's retry (returning here left the coordinator never told and nothing escalating).
    const existing = await this.d.deviations.get(tenantId, id);
    if (existing) return this.raise(plan, existing, SYSTEM_REPORTER.userId);
    const deviation = newDeviation({ id, plan, input: { what: '', category: 'actionNotDone', urgency: 'normal' }, reporter: SYSTEM_REPORTER, actionId, now });
    await this.raise(plan, deviation, SYSTEM_REPORTER.userId);
  }

  /**
   * After a handover the new coordinator must be able to act on what is still open: only a coordinator may
   * acknowledge or close, and the old one's card no longer lets them. Each deviation that is not closed is
   * re-addressed (ETag) and its card sent to the new coordinator (one outbox item per person under the same key:
   * a retry sends once); escalation runs on as scheduled.
   */
  async coordinatorChanged(tenantId: string, planId: string): Promise<void> {
    const plan = await this.d.plans.get(tenantId, planId);
    if (!plan || !canChange(plan)) return;
    const now = coordinatorUserId(plan);
    for (const d of await this.d.deviations.listForPlan(tenantId, planId)) {
      if (d.status === 'closed') continue;
      const r = d.coordinatorUserId === now ? { after: d } : await this.d.deviations.update(tenantId, d.id, (x) => (x.status === 'closed' || x.coordinatorUserId === now ? undefined : { ...x, coordinatorUserId: now }));
      if (r?.after.coordinatorUserId === now && r.after.status !== 'closed') await this.d.notifier.notify(plan, r.after, { kind: 'coordinator', userIds: [now] });
    }
  }

  /** Marks an action done (the responsible or a coordinator), with an optional note; saved with the plan's ETag. */
  async markDone(user: UserIdentity, planId: string, actionId: string, note: string | undefined): Promise<{ kind: 'ok' | 'already'; what: string } | Refused> {
    const plan = await this.memberPlan(user, planId, 'action');
    if (!plan) return { kind: 'denied' };
    if (!canChange(plan)) return this.refuse(user, planId, 'locked', 'action', lockReason(plan));
    const allowed = (p: CarePlan, a: AgreedAction) => p.contacts.some((c) => c.id === a.responsibleContactId && c.teamsUserId === user.userId) || mayHandle(p, user.userId);
    const action = plan.agreements?.actions.find((a) => a.id === actionId);
    if (!action) return this.refuse(user, planId, 'stale', 'action');
    if (!allowed(plan, action)) return this.refuse(user, planId, 'notOwner', 'action');
    const now = this.d.env.now().toISOString();
    const by: Actor = { userId: user.userId, name: plan.contacts.find((c) => c.teamsUserId === user.userId)?.name ?? user.name };
    let changed = false;
    await this.d.plans.update(user.tenantId, planId, (current) => {
      const a = current.agreements?.actions.find((x) => x.id === actionId);
      if (!current.agreements || !a || a.status !== 'open' || !canChange(current) || !allowed(current, a)) return undefined;
      changed = true;
      const done = { at: now, by, ...(note ? { note } : {}) };
      return { ...current, updatedAt: now, agreements: { ...current.agreements, actions: current.agreements.actions.map((x) => (x.id === actionId ? { ...x, status: 'done' as const, done } : x)) } };
    });
    if (!changed) return { kind: 'already', what: action.what };
    await this.trail.changed(user, planId, 'action.done', { actionId, note: !!note }, { key: [actionId], at: now });
    return { kind: 'ok', what: action.what };
  }

  /** A deviation as `user` may see it (a look, audited once per window): the network only. */
  async view(user: UserIdentity, deviationId: string): Promise<Handled> {
    // A card refresh storm from somebody the card is not meant for is one refusal per window.
    const found = await this.load(user, deviationId, 'deviation', true);
    if (found.kind !== 'ok') return found;
    await this.trail.read(user, found.plan.id, 'deviation.read', deviationId);
    return found;
  }

  /** "Kvittér": a coordinator has seen it; escalation stops. A second click, or anyone else's, changes nothing. */
  async acknowledge(user: UserIdentity, deviationId: string): Promise<Handled> {
    return this.handle(user, deviationId, 'acknowledge', (d, by, now) => acknowledge(d, by, now), 'deviation.acknowledged');
  }

  /** "Luk med afklaring": closed with what was decided. */
  async close(user: UserIdentity, deviationId: string, resolution: string): Promise<Handled> {
    return this.handle(user, deviationId, 'close', (d, by, now) => close(d, by, resolution, now), 'deviation.closed');
  }

  /**
   * "Informér netværket": the chosen contacts (in the network, in Teams) get the coordinator's text on a card.
   * `drawnAt` is the revision the card was drawn at: an older card is stale (nothing noted or sent); the same
   * click again (a double click, a Teams retry) finds its own note and sends under the same key: nothing new.
   */
  async informNetwork(user: UserIdentity, deviationId: string, drawnAt: number | undefined, contactIds: string[], message: string): Promise<Handled> {
    const found = await this.load(user, deviationId, 'inform');
    if (found.kind !== 'ok') return found;
    const contacts = found.plan.contacts.filter((c) => contactIds.includes(c.id) && c.teamsUserId && found.plan.memberIds.includes(c.teamsUserId));
    if (contacts.length === 0) {
      // Nobody of this network chosen (a forged or outdated list): a refusal like any other – who may ask first, then audited.
      if (!mayHandle(found.plan, user.userId)) return this.refuse(user, found.plan.id, 'notCoordinator', 'inform');
      await this.trail.refused(user, found.plan.id, 'stale', 'inform');
      return { kind: 'stale', deviation: found.deviation, plan: found.plan };
    }
    const names = contacts.map((c) => c.name);
    const r = await this.handle(user, deviationId, 'inform', (d, by, now) => (d.status === 'closed' || d.revision !== drawnAt ? undefined : noted(d, 'networkInformed', by, now, names)), 'deviation.networkInformed', (d) =>
      sameClick(d, drawnAt, 'networkInformed', user.userId, names),
    );
    if (r.kind === 'ok') await this.d.notifier.informNetwork(r.plan, r.deviation, drawnAt!, contacts.map((c) => c.teamsUserId!), message, r.deviation.history.at(-1)!.by.name);
    return r;
  }

  /**
   * "Indkald til opfølgningsmøde": noted in the history; the meeting itself is called in the meetings capability's flow.
   * Like informNetwork, an older card than `drawnAt` is stale and the same click again notes nothing new.
   */
  async followUpCalled(user: UserIdentity, deviationId: string, drawnAt: number | undefined): Promise<Handled> {
    return this.handle(user, deviationId, 'followUp', (d, by, now) => (d.status === 'closed' || d.revision !== drawnAt ? undefined : noted(d, 'followUpCalled', by, now)), 'deviation.followUpCalled', (d) =>
      sameClick(d, drawnAt, 'followUpCalled', user.userId),
    );
  }

  /** The plan's deviations for its card, newest first: a look (audited once per window). */
  async forPlan(plan: CarePlan, viewerId: string): Promise<Deviation[]> {
    if (!isMember(plan, viewerId)) return [];
    const list = await this.d.deviations.listForPlan(plan.tenantId, plan.id);
    if (list.length) await this.trail.read({ tenantId: plan.tenantId, userId: viewerId }, plan.id, 'deviation.read', 'planCard');
    return list;
  }

  /**
   * An escalation step, run by a durable job (several instances: the job is
   * claimed once; the outbox sends once per key; the step is recorded with the
   * deviation's ETag). Nothing for an acknowledged or closed deviation.
   */
  async escalate(tenantId: string, deviationId: string, step: number, now: Date): Promise<void> {
    const deviation = await this.d.deviations.get(tenantId, deviationId);
    const plan = deviation && (await this.d.plans.get(tenantId, deviation.planId));
    if (!deviation || !plan || deviation.status !== 'open' || deviation.escalationStep >= step || !canChange(plan)) return;
    const second = step === 1 ? secondCoordinatorOf(plan) : undefined;
    // Without a second coordinator the first step is the escalation contacts.
    const effective = step === 1 && !second ? LAST_STEP : step;
    let names: string[];
    if (effective === 1) {
      names = [plan.contacts.find((c) => c.teamsUserId === second)?.name ?? '—'];
      await this.d.notifier.notify(plan, deviation, { kind: 'escalatedToCoordinator', userIds: [second!], step: 1 });
    } else {
      const organisations = [...new Set(plan.contacts.flatMap((c) => (c.organisation ? [c.organisation] : [])))];
      const contacts = (await this.d.directory?.contactsFor(tenantId, organisations)) ?? [];
      names = contacts.map((c) => c.name);
      if (contacts.length) await this.d.notifier.notify(plan, deviation, { kind: 'escalationContacts', contacts });
    }
    const r = await this.d.deviations.update(tenantId, deviationId, (d) => escalated(d, effective, names, now, effective === 1 ? second : undefined));
    if (!r || r.after === r.before) return;
    await this.trail.changed({ tenantId, userId: ESCALATION_ACTOR }, plan.id, 'deviation.escalated', { deviationId, step: effective, recipients: names.length }, { key: [deviationId, String(effective)], at: now.toISOString() });
    await this.d.notifier.refresh(plan, r.after);
    if (effective < LAST_STEP) await this.d.jobs.schedule(r.after, effective + 1, escalationDueAt(deviation.urgency, now, this.d.settings, this.d.days));
  }

  /** Records a refusal and answers "denied" (foreign or forged), "stale" (old card, replay) or "locked". */
  private async refuse(user: UserIdentity, planId: string, reason: DenialReason, target = 'deviation', locked?: 'withdrawn' | 'closed'): Promise<Refused> {
    await this.trail.refused(user, planId, reason, target);
    if (reason === 'stale') return { kind: 'stale' };
    if (reason === 'locked') return { kind: 'locked', reason: locked ?? 'closed' };
    if (reason === 'notCoordinator') return { kind: 'notCoordinator' };
    return { kind: 'denied' };
  }

  private async memberPlan(user: UserIdentity, planId: string, target: string, look = false): Promise<CarePlan | undefined> {
    const plan = await this.d.plans.get(user.tenantId, planId);
    if (!plan || !isMember(plan, user.userId)) {
      const reason = plan ? 'notMember' : 'notFound';
      await (look ? this.trail.refusedRead(user, planId, reason, target) : this.trail.refused(user, planId, reason, target));
      return undefined;
    }
    return plan;
  }

  /** The deviation and its plan, when the user is in the plan's network (the plan comes from the deviation, never from a card). */
  private async load(user: UserIdentity, deviationId: string, target: string, look = false): Promise<Handled> {
    const deviation = await this.d.deviations.get(user.tenantId, deviationId);
    if (!deviation) {
      await (look ? this.trail.refusedRead(user, deviationId, 'notFound', target) : this.trail.refused(user, deviationId, 'notFound', target));
      return { kind: 'denied' };
    }
    const plan = await this.memberPlan(user, deviation.planId, target, look);
    return plan ? { kind: 'ok', deviation, plan } : { kind: 'denied' };
  }

  /** A coordinator's change: refused for anyone else, on a locked plan, or when it no longer applies (stale: nothing changes). */
  private async handle(
    user: UserIdentity,
    deviationId: string,
    target: string,
    change: (d: Deviation, by: Actor, now: Date) => Deviation | undefined,
    action: 'deviation.acknowledged' | 'deviation.closed' | 'deviation.networkInformed' | 'deviation.followUpCalled',
    replayed?: (d: Deviation) => boolean,
  ): Promise<Handled> {
    const found = await this.load(user, deviationId, target);
    if (found.kind !== 'ok') return found;
    const { plan } = found;
    if (!mayHandle(plan, user.userId)) return this.refuse(user, plan.id, 'notCoordinator', target);
    if (!canChange(plan)) return this.refuse(user, plan.id, 'locked', target, lockReason(plan));
    const by: Actor = { userId: user.userId, name: plan.contacts.find((c) => c.teamsUserId === user.userId)?.name ?? user.name };
    const now = this.d.env.now();
    const r = await this.d.deviations.update(user.tenantId, deviationId, (d) => change(d, by, now));
    if (!r || r.after === r.before) {
      // This very click, done already (a double click, a Teams retry): its answer again, no refusal, nothing noted twice.
      if (r && replayed?.(r.after)) return { kind: 'ok', deviation: r.after, plan };
      await this.trail.refused(user, plan.id, 'stale', target);
      return { kind: 'stale', deviation: r?.after ?? found.deviation, plan };
    }
    await this.trail.changed(user, plan.id, action, { deviationId }, { key: [deviationId, String(r.after.revision)], at: r.after.updatedAt });
    await this.d.notifier.refresh(plan, r.after, user.userId);
    return { kind: 'ok', deviation: r.after, plan };
  }
}
