/**
 * What a capability (the guided start, plans, meetings, …) hands the platform:
 * its text commands, card verbs, job kinds, HTTP routes and hooks. A new
 * capability is a folder that builds one of these, listed in src/capabilities.ts.
 */
import type { MeetingEndEventDetails, MeetingParticipantsEventDetails, MeetingStartEventDetails, TurnContext } from 'botbuilder';
import type * as restify from 'restify';
import type { AdaptiveCardJson } from '../cards/render';
import type { OutboxFailure } from '../outbox/model';
import type { JobHandler } from '../scheduler/scheduler';
import type { Turn } from './turn';

/** A text command: the words that start it (any language's words work), and what it does. */
export interface CommandRoute {
  /** Stable name, also used by the welcome and help card buttons. */
  name: string;
  words: readonly string[];
  /** Works on citizen data: only in personal chat (the default). */
  personalOnly?: boolean;
  /** The words may be followed by an argument (e.g. "vis plan KIP-7K3M-Q2XD"), handed to `run` as typed (lower case). */
  takesArgument?: boolean;
  run(context: TurnContext, turn: Turn, argument?: string): Promise<void>;
}

/** A card button (Action.Execute verb): the answer card replaces the card that was clicked. */
export interface VerbRoute {
  verb: string;
  /** Works on citizen data: only for a Teams user in personal chat (the default). */
  personalOnly?: boolean;
  handle(turn: Turn, context: TurnContext, data: unknown): Promise<AdaptiveCardJson>;
}

/**
 * Teams meeting events, delivered in the meeting's chat (the app needs the
 * meeting RSC permissions in the manifest). Each capability ignores meetings that are not its own.
 */
export interface MeetingEventRoutes {
  start?(context: TurnContext, details: MeetingStartEventDetails): Promise<void>;
  end?(context: TurnContext, details: MeetingEndEventDetails): Promise<void>;
  participantsJoin?(context: TurnContext, details: MeetingParticipantsEventDetails): Promise<void>;
  participantsLeave?(context: TurnContext, details: MeetingParticipantsEventDetails): Promise<void>;
}

/** One capability, as registered with the application. */
export interface CapabilityModule {
  name: string;
  commands?: CommandRoute[];
  verbs?: VerbRoute[];
  /** Scheduler job handlers by kind. */
  jobs?: Record<string, JobHandler>;
  /** Further HTTP routes (e.g. signed downloads). */
  routes?(server: restify.Server): void;
  /** A Teams user's personal chat was first seen or changed (install, first message). */
  onNewConversation?(context: TurnContext, turn: Turn): Promise<void>;
  /** Meeting start/end and participants joining or leaving (meeting chats only). */
  meetingEvents?: MeetingEventRoutes;
  /** The bot was added to a conversation of any kind (personal chat, group or meeting chat, team). */
  onBotAdded?(context: TurnContext): Promise<void>;
  /** A proactive message finally failed for one recipient (idempotent; ignore keys that are not yours). */
  onOutboxFailed?(failure: OutboxFailure): Promise<void>;
}
