/**
 * The plans capability: the care plan, who may see it, "mine planer", and
 * linking Teams users to the plans that list them.
 */
import { MessageFactory } from 'botbuilder';
import type { CapabilityModule } from '../platform/bot/capability';
import type { Platform } from '../platform/platform';
import type { ContainerDef } from '../platform/storage/containers';
import { linkByTeamsEmail } from './bot/identityLink';
import { PlanHandlers } from './bot/planHandlers';
import { PlanService } from './domain/planService';
import { CosmosPlanStore } from './storage/planRepository';

/** Care plans, one logical partition per tenant (README, "Storage and partitioning"). */
export const PLAN_CONTAINERS = [{ id: 'plans', partitionKey: '/tenantId' }] as const satisfies readonly ContainerDef[];

export const PLAN_COMMAND_WORDS = { myPlans: ['mine planer', 'mina planer', 'my plans'] } as const;

/** What other capabilities use of plans. */
export type Plans = ReturnType<typeof createPlans>;

/** Builds the plans capability over the platform. */
export function createPlans(p: Platform) {
  const store = new CosmosPlanStore(p.store.containers.plans!);
  const service = new PlanService(store, p.audit, p.env);
  const handlers = new PlanHandlers(service);
  const link = (context: Parameters<typeof linkByTeamsEmail>[0], turn: Parameters<typeof linkByTeamsEmail>[1]) => linkByTeamsEmail(context, turn, service, p.logger);
  const module: CapabilityModule = {
    name: 'plans',
    commands: [
      {
        name: 'myPlans',
        words: PLAN_COMMAND_WORDS.myPlans,
        run: async (context, turn) => {
          await link(context, turn);
          const { attachments, text } = await handlers.myPlans(turn);
          await context.sendActivity(MessageFactory.carousel(attachments, text));
        },
      },
    ],
    // A new or changed personal chat (install, first message): link the user to plans that list them.
    onNewConversation: async (context, turn) => void (await link(context, turn)),
  };
  return { store, service, handlers, link, module };
}
