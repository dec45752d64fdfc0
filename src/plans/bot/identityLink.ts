/**
 * Teams users join a plan's network when the network listed them by e-mail
 * AND they confirm it is them: the connector tells us the user's e-mail address
 * (the tenant's verified `mail`; the UPN is a sign-in name, not a mailbox, and
 * never counts), matching contacts are offered to the user, and a card asks
 * "Is this you?" (see ../domain/teamsLink.ts).
 */
import { CardFactory, MessageFactory, TeamsInfo, TurnContext } from 'botbuilder';
import type { LinkOffer, PlanService } from '../domain/planService';
import { errorFields, Logger } from '../../platform/logger';
import type { Turn } from '../../platform/bot/turn';
import { linkConfirmCard } from './planViews';

/** The user's verified e-mail address from Teams, or undefined. */
async function verifiedEmail(context: TurnContext): Promise<string | undefined> {
  const member = await TeamsInfo.getMember(context, context.activity.from.id);
  const email = (member.email ?? '').trim().toLowerCase();
  return /^[^\s@]+@[^\s@]+$/.test(email) ? email : undefined;
}

/** Offers the user the contacts listed with their verified e-mail; returns the open questions. Never throws. */
export async function offerLinksByTeamsEmail(context: TurnContext, turn: Turn, plans: PlanService, log: Logger): Promise<LinkOffer[]> {
  try {
    const email = await verifiedEmail(context);
    if (!email) return [];
    const offers = await plans.offerLinksByEmail(turn.user, email);
    if (offers.length > 0) log.info('plan.linkOffered', { offers: offers.length });
    return offers;
  } catch (err) {
    log.warn('plan.link.failed', errorFields(err));
    return [];
  }
}

/** Asks "Is this you?" once per open question, as cards in the personal chat. */
export async function askToConfirm(context: TurnContext, turn: Turn, offers: LinkOffer[]): Promise<void> {
  for (const { plan, contact } of offers) {
    await context.sendActivity(MessageFactory.attachment(CardFactory.adaptiveCard(linkConfirmCard(plan, contact, turn.loc))));
  }
}
