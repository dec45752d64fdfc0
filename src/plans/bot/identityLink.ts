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

/**
 * How long a user's verified address, once Teams gave it, is used without
 * asking again: each ask is a call to Teams while the user waits, and
 * addresses rarely change (a changed one is matched by the old one at most this long).
 */
export const TEAMS_EMAIL_TTL_MS = 60 * 60_000;
const MAX_USERS = 10_000;

/** The acting user's verified e-mail address, asked of Teams once an hour per user. */
export class TeamsEmails {
  private readonly known = new Map<string, { email: string; at: number }>();

  constructor(
    private readonly log: Logger,
    private readonly clock: () => number = Date.now,
  ) {}

  /** The address (lower case), or undefined when Teams gives none or cannot be asked. Never throws. */
  async of(context: TurnContext, turn: Turn): Promise<string | undefined> {
    const key = `${turn.user.tenantId}/${turn.user.userId}`;
    const seen = this.known.get(key);
    if (seen && this.clock() - seen.at < TEAMS_EMAIL_TTL_MS) return seen.email;
    let email: string | undefined;
    try {
      email = await verifiedEmail(context);
    } catch (err) {
      this.log.warn('plan.link.failed', errorFields(err));
      return undefined;
    }
    this.known.delete(key);
    if (email) this.known.set(key, { email, at: this.clock() });
    if (this.known.size > MAX_USERS) this.known.delete(this.known.keys().next().value!);
    return email;
  }
}

/** Offers the user the contacts listed with their verified e-mail; returns the open questions. Never throws. */
export async function offerLinksByTeamsEmail(context: TurnContext, turn: Turn, plans: PlanService, log: Logger, emails?: TeamsEmails): Promise<LinkOffer[]> {
  try {
    const email = emails ? await emails.of(context, turn) : await verifiedEmail(context);
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
