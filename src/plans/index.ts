/**
 * The plans capability: the care plan, who may see it, "mine planer", and
 * linking Teams users to the plans that list them.
 */
import { MessageFactory } from 'botbuilder';
import type { CapabilityModule } from '../platform/bot/capability';
import type { Platform } from '../platform/platform';
import type { ContainerDef } from '../platform/storage/containers';
import { askToConfirm, offerLinksByTeamsEmail } from './bot/identityLink';
import { LinkHandlers } from './bot/linkHandlers';
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
  const links = new LinkHandlers(service, handlers, p.logger);
  /** Asks the user to confirm the contacts the network listed with their verified e-mail (nothing is linked before they do). */
  const link = async (context: Parameters<typeof offerLinksByTeamsEmail>[0], turn: Parameters<typeof offerLinksByTeamsEmail>[1]) =>
    askToConfirm(context, turn, await offerLinksByTeamsEmail(context, turn, service, p.logger));
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
    verbs: [{ verb: 'planLink', handle: (turn, _context, data) => links.act(turn, data) }],
    // A new or changed personal chat (install, first message): ask about plans that list the user's e-mail.
    onNewConversation: (context, turn) => link(context, turn),
  };
  return { store, service, handlers, link, module };
}
