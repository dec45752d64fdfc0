/** Reads where a channel activity comes from (Teams' channelData), once, at the edge. */
import { TeamsInfo, type TurnContext } from 'botbuilder';
import { z } from 'zod';
import { channelConversationId, type ChannelAddress } from '../domain/acute';

const idString = z.string().trim().min(1).max(400);

const channelActivitySchema = z.object({
  serviceUrl: z.string().url(),
  from: z.object({ id: idString }),
  recipient: z.object({ id: idString }).partial().optional(),
  conversation: z.object({ id: idString, conversationType: z.literal('channel') }),
  channelData: z
    .object({
      channel: z.object({ id: idString, type: z.string().max(40).optional() }).partial().optional(),
      team: z.object({ id: idString, aadGroupId: z.string().max(100).optional() }).partial().optional(),
    })
    .passthrough()
    .optional(),
});

export interface ChannelTurn {
  address: ChannelAddress;
  /** The actor's Teams id (29:…), for the connector's member lookups. */
  channelUserId: string;
  serviceUrl: string;
  teamId?: string;
  channelType?: string;
}

/** The channel of this activity, or undefined outside a team channel. */
export function readChannel(context: TurnContext): ChannelTurn | undefined {
  const parsed = channelActivitySchema.safeParse(context.activity);
  if (!parsed.success) return undefined;
  const a = parsed.data;
  const conversationId = channelConversationId(a.channelData?.channel?.id ?? a.conversation.id);
  return {
    address: {
      conversationId, serviceUrl: a.serviceUrl,
      ...(a.channelData?.team?.aadGroupId ? { teamGroupId: a.channelData.team.aadGroupId } : {}),
      ...(a.channelData?.team?.id ? { teamId: a.channelData.team.id } : {}),
      ...(a.recipient?.id ? { botId: a.recipient.id } : {}),
    },
    channelUserId: a.from.id,
    serviceUrl: a.serviceUrl,
    teamId: a.channelData?.team?.id,
    channelType: a.channelData?.channel?.type,
  };
}

/** The channel's type: as Teams sent it, else from the team's channel list (private channels are not listed). */
export async function channelTypeOf(context: TurnContext, channel: ChannelTurn): Promise<string> {
  if (channel.channelType) return channel.channelType.toLowerCase();
  if (!channel.teamId) return 'unknown';
  const listed = await TeamsInfo.getTeamChannels(context, channel.teamId);
  const found = listed.find((c) => c.id && channelConversationId(c.id) === channel.address.conversationId);
  return found ? (found.type ?? 'standard').toLowerCase() : 'private';
}
