/**
 * Teams users become part of a plan's network when the network listed them by
 * their e-mail address: the connector tells us the user's address (Teams has
 * verified it), and matching contacts are linked to the user.
 */
import { TeamsInfo, TurnContext } from 'botbuilder';
import type { PlanService } from '../domain/planService';
import { errorFields, Logger } from '../../platform/logger';
import type { Turn } from '../../platform/bot/turn';

/** Links the acting user to plans that list their e-mail address; returns how many. Never throws. */
export async function linkByTeamsEmail(context: TurnContext, turn: Turn, plans: PlanService, log: Logger): Promise<number> {
  try {
    const member = await TeamsInfo.getMember(context, context.activity.from.id);
    const email = (member.email ?? member.userPrincipalName ?? '').trim().toLowerCase();
    if (!email.includes('@')) return 0;
    const linked = await plans.linkByEmail(turn.user, email);
    if (linked > 0) log.info('plan.linked', { plans: linked });
    return linked;
  } catch (err) {
    log.warn('plan.link.failed', errorFields(err));
    return 0;
  }
}
