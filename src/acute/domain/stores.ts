/** What the acute line's service needs from storage, Teams and the outbox (implemented in storage/, access/, notify/). */
import type { AcuteMessage, AcuteUnit, HelpRequest } from './acute';

type Changed<T> = { before: T; after: T } | undefined;

/** Units, posts and help requests of a tenant; every shared write with its ETag. */
export interface AcuteStore {
  putUnit(unit: AcuteUnit): Promise<void>;
  getUnit(tenantId: string, id: string): Promise<AcuteUnit | undefined>;
  listUnits(tenantId: string): Promise<AcuteUnit[]>;
  removeUnit(tenantId: string, id: string): Promise<void>;
  createMessage(message: AcuteMessage): Promise<'created' | 'exists'>;
  getMessage(tenantId: string, id: string): Promise<AcuteMessage | undefined>;
  /** Read–change–replace with the ETag (re-read on 412); `change` returns undefined to leave it. */
  updateMessage(tenantId: string, id: string, change: (m: AcuteMessage) => AcuteMessage | undefined): Promise<Changed<AcuteMessage>>;
  createHelp(request: HelpRequest): Promise<'created' | 'exists'>;
  getHelp(tenantId: string, id: string): Promise<HelpRequest | undefined>;
  updateHelp(tenantId: string, id: string, change: (r: HelpRequest) => HelpRequest | undefined): Promise<Changed<HelpRequest>>;
}

/** Whether a user is on the acute team (configured: a Teams team or channel, or an Entra group). */
export interface AcuteTeam {
  /** `user.channelUserId` is Teams' `29:` id (the connector's member lookup); `serviceUrl` the tenant's connector. */
  isMember(tenantId: string, user: { userId: string; channelUserId?: string }, serviceUrl: string): Promise<boolean>;
  /** The acute team's own channel (help requests go there), when configured. */
  channelId?: string;
  /** False when no acute team is set up at all (production without ACUTE_TEAM_*): nobody may post, and the answer says why. */
  configured?: boolean;
}

/** The live cards: channel posts, their updates, the nurse's status card, escalations and help requests. */
export interface AcuteNotifier {
  /** Posts the message to every unit's channel (urgent lane) and the nurse's status card to their chat. */
  posted(message: AcuteMessage, units: readonly AcuteUnit[]): Promise<void>;
  /** Every channel card (and an escalated unit's re-post, unless `escalationPosts` is false) and the status card show the message as it is now. */
  changed(message: AcuteMessage, units: readonly AcuteUnit[], options?: { escalationPosts?: boolean }): Promise<void>;
  /** Re-posts to the unit's channel with the manager's @mention and tells the nurse. */
  escalated(message: AcuteMessage, unit: AcuteUnit): Promise<void>;
  /** The help request to the acute team's channel and its receipt to the unit's channel. */
  helpAsked(request: HelpRequest, unit: AcuteUnit, teamChannelId: string): Promise<void>;
  /** Both copies of the help request show who took it. */
  helpChanged(request: HelpRequest, unit: AcuteUnit, teamChannelId: string): Promise<void>;
}

/** Schedules each unit's escalation of an urgent post. */
export interface AcuteEscalations {
  schedule(message: AcuteMessage): Promise<void>;
}
