/**
 * The acute line's live cards through the durable outbox, urgent lane: a post per
 * unit's channel, the nurse's status card, re-posts on escalation, help requests
 * to the acute team's channel and the unit's receipt. Every send is keyed (ids
 * only), so a retry or a second instance adds nothing; every later render is a
 * versioned update (the document's revision), so an older render never wins.
 */
import { forEachLimited } from '../../platform/outbox/dispatcher';
import type { Outbox } from '../../platform/outbox/outbox';
import type { OutboxRecipient } from '../../platform/outbox/model';
import { ADAPTIVE_CARD } from '../../platform/outbox/model';
import type { AdaptiveCardJson } from '../../platform/cards/render';
import { format, localeOf } from '../../platform/i18n';
import { noticeCard } from '../../platform/cards/views';
import type { Logger } from '../../platform/logger';
import type { AcuteMessage, AcuteUnit, ChannelAddress, HelpRequest } from '../domain/acute';
import type { AcuteNotifier } from '../domain/stores';
import { helpCard, postCard, statusCard } from '../bot/acuteViews';

/** Message keys (ids only). */
export const acuteKeys = {
  post: (messageId: string, unitId: string) => `acute:${messageId}:unit:${unitId}`,
  escalation: (messageId: string, unitId: string) => `acute:${messageId}:escalation:${unitId}`,
  status: (messageId: string) => `acute:${messageId}:status`,
  nurseTold: (messageId: string, unitId: string) => `acute:${messageId}:told:${unitId}`,
  helpTeam: (helpId: string) => `acute-help:${helpId}:team`,
  helpUnit: (helpId: string) => `acute-help:${helpId}:unit`,
};

const activity = (card: AdaptiveCardJson) => ({ attachments: [{ contentType: ADAPTIVE_CARD as typeof ADAPTIVE_CARD, content: card }] });

/** A channel as the outbox addresses it: the channel itself (a new post), never a thread. */
export function channelReference(tenantId: string, channel: Pick<ChannelAddress, 'conversationId' | 'serviceUrl' | 'botId'>) {
  return {
    channelId: 'msteams',
    serviceUrl: channel.serviceUrl,
    conversation: { id: channel.conversationId, conversationType: 'channel', tenantId, isGroup: true },
    ...(channel.botId ? { bot: { id: channel.botId } } : {}),
  };
}

const toChannel = (tenantId: string, channel: ChannelAddress, card: AdaptiveCardJson): OutboxRecipient => ({
  conversation: channelReference(tenantId, channel),
  ...(channel.teamGroupId ? { teamId: channel.teamGroupId } : {}),
  activity: activity(card),
});

export class OutboxAcuteNotifier implements AcuteNotifier {
  constructor(private readonly d: { outbox: Outbox; logger: Logger }) {}

  async posted(message: AcuteMessage, units: readonly AcuteUnit[]): Promise<void> {
    const { outbox } = this.d;
    // One fan-out per unit, so each channel's card can be updated by its own key; a few at a time
    // (each is three Cosmos writes), and every enqueue wakes the urgent lane, so the first go while the rest are stored.
    await forEachLimited([...units], 8, async (unit) => {
      await outbox.enqueue(acuteKeys.post(message.id, unit.id), message.tenantId, [toChannel(message.tenantId, unit.channel, postCard(message, unit, localeOf(unit.locale)))], { priority: 'urgent' });
    });
    if (message.poster.kind === 'user') {
      await outbox.enqueue(acuteKeys.status(message.id), message.tenantId, [{ userId: message.poster.userId, activity: activity(statusCard(message, localeOf(message.locale))) }], { priority: 'urgent' });
    }
  }

  async changed(message: AcuteMessage, units: readonly AcuteUnit[], options: { escalationPosts?: boolean } = {}): Promise<void> {
    const { outbox } = this.d;
    for (const unit of units) {
      const loc = localeOf(unit.locale);
      const target = { messageKey: acuteKeys.post(message.id, unit.id), conversationId: unit.channel.conversationId };
      await outbox.update(message.tenantId, { target, version: message.revision, activity: activity(postCard(message, unit, loc)), priority: 'urgent' });
      // The re-post of an escalated unit shows who took it too (it waits in the outbox until the re-post is sent).
      if (options.escalationPosts !== false && message.units.some((u) => u.unitId === unit.id && u.escalatedAt)) {
        const escalation = { messageKey: acuteKeys.escalation(message.id, unit.id), conversationId: unit.channel.conversationId };
        await outbox.update(message.tenantId, { target: escalation, version: message.revision, activity: activity(postCard(message, unit, loc, { escalation: true })), priority: 'urgent' });
      }
    }
    if (message.poster.kind === 'user') {
      await outbox.update(message.tenantId, { target: { messageKey: acuteKeys.status(message.id), userId: message.poster.userId }, version: message.revision, activity: activity(statusCard(message, localeOf(message.locale))), priority: 'urgent' });
    }
  }

  async escalated(message: AcuteMessage, unit: AcuteUnit): Promise<void> {
    const { outbox } = this.d;
    await outbox.enqueue(acuteKeys.escalation(message.id, unit.id), message.tenantId, [toChannel(message.tenantId, unit.channel, postCard(message, unit, localeOf(unit.locale), { escalation: true }))], { priority: 'urgent' });
    if (message.poster.kind === 'user') {
      const loc = localeOf(message.locale);
      // Only say the manager was mentioned when the unit has one.
      const text = format(unit.manager ? loc.t.acute.nurseNotAnswered : loc.t.acute.nurseNotAnsweredNoManager, { unit: unit.name, n: unit.escalationMinutes });
      await outbox.enqueue(acuteKeys.nurseTold(message.id, unit.id), message.tenantId, [{ userId: message.poster.userId, activity: activity(noticeCard(text, 'Attention')) }], { priority: 'urgent' });
    }
  }

  async helpAsked(request: HelpRequest, unit: AcuteUnit, teamChannelId: string): Promise<void> {
    const { outbox } = this.d;
    const loc = localeOf(unit.locale);
    const team: ChannelAddress = { conversationId: teamChannelId, serviceUrl: unit.channel.serviceUrl, botId: unit.channel.botId };
    await outbox.enqueue(acuteKeys.helpTeam(request.id), request.tenantId, [toChannel(request.tenantId, team, helpCard(request, loc, 'team'))], { priority: request.urgency === 'urgent' ? 'urgent' : 'bulk' });
    await outbox.enqueue(acuteKeys.helpUnit(request.id), request.tenantId, [toChannel(request.tenantId, unit.channel, helpCard(request, loc, 'unit'))], { priority: 'urgent' });
  }

  async helpChanged(request: HelpRequest, unit: AcuteUnit, teamChannelId: string): Promise<void> {
    const { outbox } = this.d;
    const loc = localeOf(unit.locale);
    await outbox.update(request.tenantId, { target: { messageKey: acuteKeys.helpTeam(request.id), conversationId: teamChannelId }, version: request.revision, activity: activity(helpCard(request, loc, 'team')), priority: 'urgent' });
    await outbox.update(request.tenantId, { target: { messageKey: acuteKeys.helpUnit(request.id), conversationId: unit.channel.conversationId }, version: request.revision, activity: activity(helpCard(request, loc, 'unit')), priority: 'urgent' });
  }
}
