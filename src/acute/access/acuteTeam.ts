/**
 * Who is on the acute team, and who owns a team: asked of Teams (the Bot
 * Framework connector's member lookup) or of Microsoft Graph, cached briefly.
 *
 * - ACUTE_TEAM_GROUP_ID: an Entra group; `POST /users/{id}/checkMemberGroups`
 *   (transitive membership; GroupMember.Read.All or User.Read.All for the app).
 * - otherwise ACUTE_TEAM_CHANNEL_ID: a Teams team or channel; its members are the team
 *   (`GET /v3/conversations/{id}/members/{userId}`: 404 = not a member).
 * - neither: locally (no Bot Framework authentication) everyone may post, so the
 *   Playground works; in production nobody may, and the answer says it is not set up.
 *
 * Team owners: Teams' member lookup says `userRole` user/guest/anonymous but never
 * "owner" (botbuilder-js#2706, msteams-docs#1990), so ownership comes from Graph
 * (`GET /teams/{groupId}/members` filtered by the user: `roles` holds "owner").
 */
import { TeamsInfo, type CloudAdapter, type TurnContext } from 'botbuilder';
import { z } from 'zod';
import type { AcuteTeam } from '../domain/stores';
import { GraphHttp } from '../../platform/graph/graphHttp';
import { isGraphError } from '../../platform/graph/errors';
import type { GraphTokenProvider } from '../../platform/graph/tokenProvider';
import type { Logger } from '../../platform/logger';

/** How long an answer about membership is reused: short, so someone removed from the team soon cannot post. */
export const MEMBERSHIP_TTL_MS = 2 * 60_000;

export interface AcuteTeamOptions {
  channelId?: string;
  groupId?: string;
  /** No team configured: true locally (everyone), false in production (nobody). */
  openWhenUnset: boolean;
  proactive: CloudAdapter;
  botAppId: string;
  graph?: { tokens: GraphTokenProvider; baseUrl?: string };
  logger: Logger;
  now: () => number;
}

const memberGroupsSchema = z.object({ value: z.array(z.string()) });
const teamMembersSchema = z.object({ value: z.array(z.object({ roles: z.array(z.string()).optional() }).passthrough()) });

/** The acute team as configured, with a short cache per user. */
export class ConfiguredAcuteTeam implements AcuteTeam {
  readonly channelId?: string;
  readonly configured: boolean;
  private readonly cache = new Map<string, { member: boolean; until: number }>();
  private readonly http?: GraphHttp;

  constructor(private readonly o: AcuteTeamOptions) {
    this.channelId = o.channelId;
    this.configured = !!(o.channelId || o.groupId) || o.openWhenUnset;
    this.http = o.graph && new GraphHttp({ tokens: o.graph.tokens, baseUrl: o.graph.baseUrl, logger: o.logger });
  }

  async isMember(tenantId: string, user: { userId: string; channelUserId?: string }, serviceUrl: string): Promise<boolean> {
    const key = `${tenantId}|${user.userId}`;
    const cached = this.cache.get(key);
    if (cached && cached.until > this.o.now()) return cached.member;
    const member = await this.ask(tenantId, user, serviceUrl);
    if (this.cache.size > 10_000) this.cache.clear();
    this.cache.set(key, { member, until: this.o.now() + MEMBERSHIP_TTL_MS });
    return member;
  }

  private async ask(tenantId: string, user: { userId: string; channelUserId?: string }, serviceUrl: string): Promise<boolean> {
    if (this.o.groupId) {
      if (!this.http) return false;
      try {
        const res = await this.http.send('acute.checkMemberGroups', 'POST', `/users/${encodeURIComponent(user.userId)}/checkMemberGroups`, { groupIds: [this.o.groupId] });
        const parsed = memberGroupsSchema.safeParse(res.body);
        return parsed.success && parsed.data.value.includes(this.o.groupId);
      } catch (err) {
        if (isGraphError(err, 'GRAPH_NOT_FOUND')) return false;
        throw err;
      }
    }
    if (this.o.channelId) return connectorHasMember(this.o.proactive, this.o.botAppId, { serviceUrl, tenantId, conversationId: this.o.channelId }, user.channelUserId ?? user.userId);
    return this.o.openWhenUnset;
  }
}

/** Whether Teams knows `userId` as a member of the conversation (team, channel or chat). */
export async function connectorHasMember(proactive: CloudAdapter, botAppId: string, where: { serviceUrl: string; tenantId: string; conversationId: string }, userId: string): Promise<boolean> {
  let found = false;
  const reference = { channelId: 'msteams', serviceUrl: where.serviceUrl, conversation: { id: where.conversationId, tenantId: where.tenantId, isGroup: true, conversationType: 'channel', name: '' } };
  await proactive.continueConversationAsync(botAppId, reference, async (context) => {
    try {
      await TeamsInfo.getMember(context, userId);
      found = true;
    } catch (err) {
      if ((err as { statusCode?: number }).statusCode !== 404) throw err;
    }
  });
  return found;
}

/** What Teams and Graph say about the person registering a channel. */
export type OwnerCheck = 'owner' | 'notOwner' | 'guest';

/** Checks that the user acting in a team channel owns the team. */
export class TeamOwners {
  private readonly http?: GraphHttp;

  constructor(private readonly o: { graph?: { tokens: GraphTokenProvider; baseUrl?: string }; logger: Logger; localWithoutGraph: boolean }) {
    this.http = o.graph && new GraphHttp({ tokens: o.graph.tokens, baseUrl: o.graph.baseUrl, logger: o.logger });
  }

  /** 'owner' when the team's member list says so (locally without Graph: any member who is not a guest). */
  async check(context: TurnContext, user: { userId: string; channelUserId: string }, teamGroupId: string | undefined): Promise<OwnerCheck> {
    const member = await TeamsInfo.getMember(context, user.channelUserId).catch((err: { statusCode?: number }) => {
      if (err.statusCode === 404) return undefined;
      throw err;
    });
    if (!member) return 'notOwner';
    if (member.userRole === 'guest' || member.userRole === 'anonymous') return 'guest';
    if (!this.http || !teamGroupId) return this.o.localWithoutGraph && !this.http ? 'owner' : 'notOwner';
    const filter = encodeURIComponent(`(microsoft.graph.aadUserConversationMember/userId eq '${user.userId.replace(/'/g, "''")}')`);
    const res = await this.http.send('acute.teamOwner', 'GET', `/teams/${encodeURIComponent(teamGroupId)}/members?$filter=${filter}`);
    const parsed = teamMembersSchema.safeParse(res.body);
    return parsed.success && parsed.data.value.some((m) => m.roles?.includes('owner')) ? 'owner' : 'notOwner';
  }
}
