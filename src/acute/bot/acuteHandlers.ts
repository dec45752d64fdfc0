/**
 * The acute line's commands and buttons (verb "acute"): thin, each checks
 * where it may run and who may do it, then hands over to the service.
 *
 * Where: registering, listing with removal, help requests and acknowledgements
 * in team channels; posting in personal chat (it may name a plan). Who: owners
 * register and remove; the acute team posts and takes help requests; anyone
 * in a unit's channel acknowledges; "Åbn planen" shows the plan only to its network,
 * in their personal chat.
 */
import type { TurnContext } from 'botbuilder';
import type { AdaptiveCardJson } from '../../platform/cards/render';
import { noticeCard } from '../../platform/cards/views';
import { parseCardPayload } from '../../platform/bot/cardPayload';
import type { Turn } from '../../platform/bot/turn';
import { format } from '../../platform/i18n';
import type { Logger } from '../../platform/logger';
import type { Outbox } from '../../platform/outbox/outbox';
import { ADAPTIVE_CARD } from '../../platform/outbox/model';
import { composeInputSchema, fieldErrors, helpInputSchema, inSameTeam, registrationInputSchema } from '../domain/acute';
import type { AcuteService } from '../domain/acuteService';
import type { TeamOwners } from '../access/acuteTeam';
import { composeCard, helpCard, helpFormCard, postCard, registerCard, unitsCard } from './acuteViews';
import { channelTypeOf, readChannel, type ChannelTurn } from './channelContext';
import { acutePayloadSchema, type AcutePayload } from './payloads';

export interface AcuteHandlerDeps {
  service: AcuteService;
  owners: TeamOwners;
  outbox: Outbox;
  /** The plan card for `turn`'s user by reference, or a refusal card (audited by the plans capability). */
  planCard(turn: Turn, reference: string): Promise<{ card: AdaptiveCardJson; shown: true } | { shown: false }>;
  newId(): string;
  logger: Logger;
}

type Answer = AdaptiveCardJson;

export class AcuteHandlers {
  constructor(private readonly d: AcuteHandlerDeps) {}

  /** `@Samspil akutkanal` in a channel: the registration card (owners of a standard channel's team only). */
  async registerCommand(context: TurnContext, turn: Turn): Promise<Answer> {
    const refusal = await this.ownerRefusal(context, turn, 'register');
    return refusal ?? registerCard(turn.loc);
  }

  /** `akutkanaler`: the tenant's acute channels (removal buttons in a channel; the service checks again). */
  async listCommand(context: TurnContext, turn: Turn): Promise<Answer> {
    const units = await this.d.service.units(turn.user.tenantId);
    const channel = readChannel(context);
    return unitsCard(units, turn.loc, (u) => !!channel && inSameTeam(u, channel.address));
  }

  /** `akut` in personal chat: the posting card, for the acute team only. */
  async composeCommand(context: TurnContext, turn: Turn): Promise<Answer> {
    const serviceUrl = context.activity.serviceUrl ?? '';
    if (!(await this.d.service.mayAct(turn.user, context.activity.from.id, serviceUrl, 'team'))) return this.notAcuteTeam(turn);
    return composeCard(await this.d.service.units(turn.user.tenantId), turn.loc, this.d.newId());
  }

  /** `@Samspil ring akut` in a unit's channel: the help form. */
  async helpCommand(context: TurnContext, turn: Turn): Promise<Answer> {
    const channel = readChannel(context);
    if (!channel) return noticeCard(turn.loc.t.acute.channelOnly);
    const unit = await this.d.service.unit(turn.user.tenantId, this.d.service.unitIdOf(turn.user.tenantId, channel.address.conversationId));
    return unit ? helpFormCard(unit, turn.loc, this.d.newId()) : noticeCard(turn.loc.t.acute.noUnitHere, 'Attention');
  }

  /** A button on one of the acute cards. */
  async act(turn: Turn, context: TurnContext, data: unknown): Promise<Answer> {
    const parsed = parseCardPayload(acutePayloadSchema, data, 'acute', turn, this.d.logger);
    if (!parsed.ok) {
      await this.d.service.refuse(turn.user, 'invalidPayload', 'card');
      return parsed.answer;
    }
    const p = parsed.data;
    const { t } = turn.loc;
    const channel = readChannel(context);
    this.d.logger.info('acute.card.action', { action: p.action });
    switch (p.action) {
      case 'cancel':
        return noticeCard(t.acute.cancelled);
      case 'register': {
        const refusal = await this.ownerRefusal(context, turn, 'register');
        if (refusal || !channel) return refusal ?? noticeCard(t.acute.channelOnly);
        const input = registrationInputSchema.safeParse(p);
        if (!input.success) return registerCard(turn.loc, p, fieldErrors(input.error));
        const unit = await this.d.service.register(turn.user, channel.address, input.data, turn.loc.tag);
        return noticeCard(format(t.acute.registered, { name: unit.name }), 'Good');
      }
      case 'remove': {
        const refusal = await this.ownerRefusal(context, turn, p.unitId);
        if (refusal || !channel) return refusal ?? noticeCard(t.acute.channelOnly);
        const unit = await this.d.service.unit(turn.user.tenantId, p.unitId);
        // Owning this team says nothing about another team's unit (a forged or an old card's unitId).
        if (unit && !inSameTeam(unit, channel.address)) {
          await this.d.service.refuse(turn.user, 'notTeamOwner', p.unitId);
          return noticeCard(t.acute.notOwner, 'Attention');
        }
        if (unit) await this.d.service.remove(turn.user, p.unitId);
        return unitsCard(await this.d.service.units(turn.user.tenantId), turn.loc, (u) => inSameTeam(u, channel.address), unit ? format(t.acute.removed, { name: unit.name }) : '');
      }
      case 'post':
        return this.post(context, turn, p);
      case 'take':
      case 'seen':
      case 'openPlan':
        return this.onPost(turn, channel, p.action, p.messageId, p.unitId);
      case 'helpForm': {
        const unit = channel && (await this.unitOfChannel(turn, channel, p.unitId));
        return unit ? helpFormCard(unit, turn.loc, this.d.newId()) : this.notHere(turn, p.unitId);
      }
      case 'helpSend': {
        const unit = channel && (await this.unitOfChannel(turn, channel, p.unitId));
        if (!unit) return this.notHere(turn, p.unitId);
        const input = helpInputSchema.safeParse(p);
        if (!input.success) return helpFormCard(unit, turn.loc, p.formId, p, fieldErrors(input.error));
        const asked = await this.d.service.askHelp(turn.user, unit.id, input.data, p.formId);
        if (asked.kind !== 'asked') return noticeCard(asked.kind === 'noTeamChannel' ? t.acute.noTeamChannel : t.acute.noUnitHere, 'Attention');
        return helpCard(asked.request, turn.loc, 'unit', t.acute.helpSent);
      }
      case 'helpTake':
        return this.takeHelp(turn, channel, p.helpId);
    }
  }

  private async post(context: TurnContext, turn: Turn, p: Extract<AcutePayload, { action: 'post' }>): Promise<Answer> {
    const { t } = turn.loc;
    if (turn.conversationType !== 'personal') return noticeCard(t.notices.personalOnly, 'Attention');
    if (!(await this.d.service.mayAct(turn.user, context.activity.from.id, context.activity.serviceUrl ?? '', 'team'))) return this.notAcuteTeam(turn);
    const units = await this.d.service.units(turn.user.tenantId);
    const input = composeInputSchema.safeParse(p);
    if (!input.success) return composeCard(units, turn.loc, p.formId, p, fieldErrors(input.error));
    const by = { kind: 'user' as const, userId: turn.user.userId, name: turn.user.name };
    // The card's form id is the idempotency key: a double click or a retried activity posts once.
    const result = await this.d.service.post(turn.user.tenantId, input.data, by, p.formId, turn.loc.tag);
    if (result.kind !== 'accepted') return composeCard(units, turn.loc, p.formId, p, { units: result.kind === 'noUnits' ? 'chooseUnits' : 'unknownUnits' });
    const message = await this.d.service.message(turn.user.tenantId, result.id);
    const n = message?.units.length ?? 0;
    return noticeCard(n === 1 ? t.acute.sentOne : format(t.acute.sent, { n }), 'Good');
  }

  /** Take, seen or open the plan, from a post in the unit's own channel only. */
  private async onPost(turn: Turn, channel: ChannelTurn | undefined, action: 'take' | 'seen' | 'openPlan', messageId: string, unitId: string): Promise<Answer> {
    const { t } = turn.loc;
    const unit = channel && (await this.unitOfChannel(turn, channel, unitId));
    const message = unit && (await this.d.service.message(turn.user.tenantId, messageId));
    if (!unit || !message || !message.units.some((u) => u.unitId === unit.id)) {
      await this.d.service.refuse(turn.user, 'notFound', messageId);
      return noticeCard(t.acute.gone, 'Attention');
    }
    if (action !== 'openPlan') {
      const after = await this.d.service.acknowledge(turn.user, messageId, unit.id, action === 'take' ? 'taken' : 'seen');
      return postCard(after ?? message, unit, turn.loc);
    }
    if (!message.planReference) return postCard(message, unit, turn.loc, { notice: t.acute.noReference });
    const view = await this.d.planCard(turn, message.planReference);
    const shown = view.shown;
    // Only the clicker's personal chat ever gets the plan; the channel card stays as it was.
    if (view.shown) {
      const card = view.card;
      await this.d.outbox.enqueue(`acute:${messageId}:plan:${turn.user.userId}:${turn.activityId.replace(/[^A-Za-z0-9:._-]/g, '').slice(0, 60) || 'x'}`, turn.user.tenantId, [{ userId: turn.user.userId, activity: { attachments: [{ contentType: ADAPTIVE_CARD, content: card }] } }], { priority: 'urgent' });
    }
    return postCard(message, unit, turn.loc, { notice: shown ? t.acute.planSent : t.acute.planRefused });
  }

  private async takeHelp(turn: Turn, channel: ChannelTurn | undefined, helpId: string): Promise<Answer> {
    const { t } = turn.loc;
    // Only from the acute team's own channel: an answer anywhere else would carry the request's text there.
    const request = channel && channel.address.conversationId === this.d.service.teamChannelId ? await this.d.service.help(turn.user.tenantId, helpId) : undefined;
    if (!request) {
      await this.d.service.refuse(turn.user, 'notFound', helpId);
      return noticeCard(t.acute.gone, 'Attention');
    }
    if (!channel) return noticeCard(t.acute.gone, 'Attention');
    if (!(await this.d.service.mayAct(turn.user, channel.channelUserId, channel.serviceUrl, helpId))) return helpCard(request, turn.loc, 'team', t.acute.notAcuteTeamTake);
    const result = await this.d.service.takeHelp(turn.user, helpId);
    if (!result) return noticeCard(t.acute.gone, 'Attention');
    // The owner's own double click (or Teams retrying the activity) still says it is theirs.
    const mine = result.kind === 'taken' || result.request.takenBy?.byId === turn.user.userId;
    const notice = mine ? format(t.acute.helpYours, { phone: result.request.callBack }) : format(t.acute.helpAlreadyTaken, { name: result.request.takenBy?.by ?? '' });
    return helpCard(result.request, turn.loc, 'team', notice);
  }

  /** Only the acute team may post; with no acute team set up at all, the answer says so (an administrator must set ACUTE_TEAM_*). */
  private notAcuteTeam(turn: Turn): Answer {
    return noticeCard(this.d.service.teamConfigured ? turn.loc.t.acute.notAcuteTeam : turn.loc.t.acute.notConfigured, 'Attention');
  }

  /** A unit's button pressed outside its own channel (forged, or the unit removed): refused, audited. */
  private async notHere(turn: Turn, unitId: string): Promise<Answer> {
    await this.d.service.refuse(turn.user, 'notFound', unitId);
    return noticeCard(turn.loc.t.acute.noUnitHere, 'Attention');
  }

  /** The unit the button names, if the click came from that unit's own channel. */
  private async unitOfChannel(turn: Turn, channel: ChannelTurn, unitId: string) {
    const unit = await this.d.service.unit(turn.user.tenantId, unitId);
    return unit && unit.channel.conversationId === channel.address.conversationId ? unit : undefined;
  }

  /** Undefined when the user may register or remove acute channels here; else the answer (audited). */
  private async ownerRefusal(context: TurnContext, turn: Turn, target: string): Promise<Answer | undefined> {
    const { t } = turn.loc;
    const channel = readChannel(context);
    if (!channel) return noticeCard(t.acute.channelOnly, 'Attention');
    if ((await channelTypeOf(context, channel)) === 'private') {
      await this.d.service.refuse(turn.user, 'privateChannel', target);
      return noticeCard(t.acute.privateChannel, 'Attention');
    }
    const owner = await this.d.owners.check(context, { userId: turn.user.userId, channelUserId: channel.channelUserId }, channel.address.teamGroupId);
    if (owner === 'owner') return undefined;
    await this.d.service.refuse(turn.user, 'notTeamOwner', target);
    return noticeCard(owner === 'guest' ? t.acute.guest : t.acute.notOwner, 'Attention');
  }
}
