/**
 * The deviations capability: "mine opgaver" (each contact's open actions),
 * deviation reports that reach the coordinator at once, acknowledgement and
 * closing, informing the network, a follow-up meeting, escalation when nobody
 * reacts, and the plan's deviations on its card. Handover and overdue actions
 * (task "followup") plug in through src/deviations/domain/ports.ts.
 */
import { CardFactory, MessageFactory } from 'botbuilder';
import type { CapabilityModule } from '../platform/bot/capability';
import type { Platform } from '../platform/platform';
import type { ContainerDef } from '../platform/storage/containers';
import type { Plans } from '../plans';
import { DeviationHandlers } from './bot/deviationHandlers';
import { deviationsSection } from './bot/planSection';
import { DeviationService } from './domain/deviationService';
import { DEFAULT_ESCALATION } from './domain/escalation';
import type { AutomaticDeviations, EscalationDirectory } from './domain/ports';
import { WorkingDays } from './domain/workingDays';
import { OutboxDeviationNotifier } from './notify/deviationNotifier';
import { JobEscalations } from './notify/escalationJobs';
import { CosmosDeviationStore } from './storage/deviationRepository';
import { CosmosTaskSource } from './storage/taskQuery';

/** Deviations: read with their plan, in the same tenant partition. */
export const DEVIATION_CONTAINERS = [{ id: 'deviations', partitionKey: '/tenantId' }] as const satisfies readonly ContainerDef[];

export const DEVIATION_COMMAND_WORDS = {
  myTasks: ['mine opgaver', 'my tasks', 'mina uppgifter'],
  deviation: ['afvigelse', 'meld afvigelse', 'deviation', 'report deviation', 'avvikelse', 'anmäl avvikelse'],
} as const;

/** What the deviations capability needs besides the platform and plans. */
export interface DeviationOptions {
  /** The escalation contacts per organisation; none by default (step 2 then finds nobody and says so). */
  escalationDirectory?: EscalationDirectory;
  /** The meetings capability's module: "Indkald til opfølgningsmøde" opens its scheduling flow. */
  meetings?: { module: CapabilityModule };
}

/** Builds the deviations capability over the platform and the plans capability. */
export function createDeviations(p: Platform, plans: Plans, options: DeviationOptions = {}) {
  const deviations = new CosmosDeviationStore(p.store.containers.deviations!);
  const notifier = new OutboxDeviationNotifier({ outbox: p.outbox, directory: p.directory, logger: p.logger });
  const jobs = new JobEscalations(p.jobs, (tenantId, id, step, now) => service.escalate(tenantId, id, step, now));
  const service: DeviationService = new DeviationService({
    plans: plans.store,
    deviations,
    tasks: new CosmosTaskSource(p.store.containers.plans!),
    audit: p.audit,
    env: p.env,
    notifier,
    jobs,
    settings: { ...DEFAULT_ESCALATION, ...p.config.deviationEscalation },
    days: new WorkingDays(),
    directory: options.escalationDirectory,
  });
  const handlers = new DeviationHandlers({
    service,
    plans: plans.service,
    planHandlers: plans.handlers,
    meetingVerb: options.meetings?.module.verbs?.find((v) => v.verb === 'meeting'),
    log: p.logger,
  });

  // The plan card lists the plan's deviations (a look, audited).
  plans.handlers.hooks.sections.push(async (plan, loc, viewerId) => deviationsSection(await service.forPlan(plan, viewerId), loc));
  // Erasure deletes the plan's deviations with it.
  plans.lifecycle.erasers.push(async (plan) => {
    for (const d of await deviations.listForPlan(plan.tenantId, plan.id)) await deviations.remove(plan.tenantId, d.id);
  });

  const module: CapabilityModule = {
    name: 'deviations',
    commands: [
      {
        name: 'myTasks',
        words: DEVIATION_COMMAND_WORDS.myTasks,
        run: async (context, turn) => {
          await plans.link(context, turn);
          await context.sendActivity(MessageFactory.attachment(CardFactory.adaptiveCard(await handlers.tasks(turn))));
        },
      },
      {
        name: 'deviation',
        words: DEVIATION_COMMAND_WORDS.deviation,
        takesArgument: true,
        run: async (context, turn, argument) => {
          await plans.link(context, turn);
          await context.sendActivity(MessageFactory.attachment(CardFactory.adaptiveCard(await handlers.command(turn, argument))));
        },
      },
    ],
    verbs: [{ verb: 'deviation', handle: (turn, context, data) => handlers.act(turn, context, data) }],
  };
  const automatic: AutomaticDeviations = service;
  return { service, automatic, module };
}
