/**
 * The guided start: consent, master data, network, review, then the plan.
 */
import { CardFactory, MessageFactory } from 'botbuilder';
import type { CapabilityModule } from '../platform/bot/capability';
import type { Platform } from '../platform/platform';
import type { ContainerDef } from '../platform/storage/containers';
import type { Plans } from '../plans';
import { GuideHandlers } from './bot/guideHandlers';
import { GuideService } from './domain/guideService';
import { CosmosDraftStore } from './storage/draftRepository';

/** Guides in progress; items carry `ttl`: abandoned guides expire (see DRAFT_TTL_SECONDS). */
export const GUIDE_CONTAINERS = [{ id: 'drafts', partitionKey: '/tenantId', ttl: true }] as const satisfies readonly ContainerDef[];

export const GUIDE_COMMAND_WORDS = {
  newPlan: ['ny plan', 'new plan', 'start plan'],
  continue: ['fortsæt', 'fortsätt', 'continue'],
} as const;

/** Builds the guide over the platform and the plans capability. */
export function createGuide(p: Platform, plans: Plans) {
  const drafts = new CosmosDraftStore(p.store.containers.drafts!);
  const service = new GuideService(drafts, plans.store, p.audit, p.env);
  // The guide that made a plan is kept (without citizen data) to answer a late click; it goes with the plan's erasure.
  plans.lifecycle.erasers.push((plan) => drafts.remove(plan.tenantId, plan.id));
  const handlers = new GuideHandlers(service, plans.service, p.logger);
  // A plan whose guide ended just before a crash is stored now rather than missing from the list.
  plans.handlers.hooks.beforeList.push((user) => service.completePending(user));
  const send = async (context: Parameters<NonNullable<CapabilityModule['onNewConversation']>>[0], card: object) =>
    void (await context.sendActivity(MessageFactory.attachment(CardFactory.adaptiveCard(card))));
  const module: CapabilityModule = {
    name: 'guide',
    commands: [
      { name: 'newPlan', words: GUIDE_COMMAND_WORDS.newPlan, run: async (context, turn) => send(context, await handlers.start(turn)) },
      { name: 'continue', words: GUIDE_COMMAND_WORDS.continue, run: async (context, turn) => send(context, await handlers.resume(turn)) },
    ],
    verbs: [{ verb: 'guide', handle: (turn, _context, data) => handlers.act(turn, data) }],
  };
  return { service, module };
}
