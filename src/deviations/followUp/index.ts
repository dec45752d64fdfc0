/**
 * Follow-up (issue #10 points 5 and 6, and the escalation contacts): overdue
 * actions remind their responsible and then raise an automatic deviation;
 * the coordinator hands the role over to a member who accepts; administrators
 * set who deviations escalate to per organisation. Built on the plans
 * capability; the deviations capability uses `escalation` and supplies
 * `automaticDeviations`.
 */
import { CardFactory, MessageFactory } from 'botbuilder';
import type { CapabilityModule } from '../../platform/bot/capability';
import type { Platform } from '../../platform/platform';
import type { ContainerDef } from '../../platform/storage/containers';
import type { Plans } from '../../plans';
import type { AutomaticDeviations, EscalationDirectory } from '../domain/ports';
import { FollowUpHandlers } from './bot/followUpHandlers';
import { coordinatorSection } from './bot/followUpViews';
import { EscalationContacts } from './domain/escalation';
import { HandoverService } from './domain/handoverService';
import { OutboxHandoverNotifier, parseAskKey } from './notify/handoverNotifier';
import { defineSweep } from './notify/overdueSweep';
import { CosmosFollowUpStore } from './storage/followUpRepository';
import { CosmosOverdueQuery } from './storage/overdueQuery';

/** Overdue records, handovers and escalation contacts: one logical partition per tenant. */
export const FOLLOW_UP_CONTAINERS = [{ id: 'followUps', partitionKey: '/tenantId' }] as const satisfies readonly ContainerDef[];

export const FOLLOW_UP_COMMAND_WORDS = {
  handOverCoordinator: ['overdrag koordinator', 'overdrag koordinatorrollen', 'hand over coordinator', 'hand over the coordinator role', 'överlämna samordnare', 'överlämna samordnarrollen'],
  escalationContacts: ['eskaleringskontakter', 'eskaleringskontakt', 'escalation contacts', 'escalation contact'],
} as const;

/** Builds the follow-up capability over the platform and the plans capability. */
export function createFollowUp(p: Platform, plans: Plans, deps: { automaticDeviations?: AutomaticDeviations } = {}): { module: CapabilityModule; escalation: EscalationDirectory } {
  const { logger, env } = p;
  const store = new CosmosFollowUpStore(p.store.containers.followUps!);
  const deviations: AutomaticDeviations = deps.automaticDeviations ?? {
    // Until the deviations capability supplies its own: the step is logged (ids only) and recorded as done.
    reportOverdue: async (tenantId, planId, actionId) => logger.info('followUp.overdue.noDeviations', { tenantId, planId, actionId }),
  };
  const notifier = new OutboxHandoverNotifier({ outbox: p.outbox, directory: p.directory });
  // A new coordinator gets the current version's coordinator card, and the open deviations follow the role.
  const coordinatorChanged = async (t: string, planId: string) => {
    await plans.distribution.coordinatorChanged(t, planId);
    await deviations.coordinatorChanged?.(t, planId);
  };
  const handover = new HandoverService({ plans: plans.store, store, audit: p.audit, env, notifier, coordinatorChanged });
  const escalation = new EscalationContacts(store, p.config.followUp.escalationAdminIds, env);
  const handlers = new FollowUpHandlers({ plans: plans.store, handover, escalation, logger });
  const sweep = defineSweep(
    p.jobs,
    { query: new CosmosOverdueQuery(p.store.containers.plans!), store, plans: plans.store, outbox: p.outbox, directory: p.directory, audit: p.audit, deviations, logger },
    p.config.followUp.sweepSeconds * 1000,
    () => env.now(),
  );
  // Every instance asks for the current period's sweep at start-up (one job per period, whoever asks).
  sweep.start().catch((err: unknown) => logger.warn('followUp.sweep.startFailed', { code: (err as { code?: string }).code ?? 'unknown' }));

  // The plan card says who coordinates; the coordinator hands the role over from there.
  plans.handlers.hooks.sections.push(async (plan, loc, viewerId) => {
    const requests = await Promise.all([store.getHandover(plan.tenantId, plan.id, 'coordinator'), store.getHandover(plan.tenantId, plan.id, 'secondCoordinator')]);
    return coordinatorSection(plan, requests.filter((h): h is NonNullable<typeof h> => h?.status === 'pending'), loc, viewerId);
  });
  // Erasure takes what this capability keeps about the plan too.
  plans.lifecycle.erasers.push(async (plan) => store.removeForPlan(plan.tenantId, plan.id));

  const send = async (context: Parameters<NonNullable<CapabilityModule['onBotAdded']>>[0], card: Parameters<typeof CardFactory.adaptiveCard>[0]) =>
    void (await context.sendActivity(MessageFactory.attachment(CardFactory.adaptiveCard(card))));
  const module: CapabilityModule = {
    name: 'followUp',
    commands: [
      {
        name: 'handOverCoordinator',
        words: FOLLOW_UP_COMMAND_WORDS.handOverCoordinator,
        takesArgument: true,
        run: async (context, turn, argument) => send(context, await handlers.handoverCommand(turn, argument)),
      },
      {
        name: 'escalationContacts',
        words: FOLLOW_UP_COMMAND_WORDS.escalationContacts,
        run: async (context, turn) => send(context, await handlers.escalationCommand(turn)),
      },
    ],
    verbs: [{ verb: 'followUp', handle: (turn, _context, data) => handlers.act(turn, data) }],
    // A request that never reached the person asked: withdrawn, and the coordinator told (idempotent: only a pending request).
    onOutboxFailed: async (failure) => {
      const ask = parseAskKey(failure.messageKey);
      if (ask) await handover.undelivered(failure.tenantId, ask.planId, ask.role, ask.handoverId);
    },
  };
  return { module, escalation };
}
