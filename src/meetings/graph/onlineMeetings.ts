/**
 * Teams online meetings for virtual coordination meetings, through Microsoft
 * Graph v1.0 with an application token (no user signed in).
 *
 * What the tenant must configure (otherwise calls fail with GRAPH_FORBIDDEN):
 * - the app registration gets the *application* permission
 *   `OnlineMeetings.ReadWrite.All`, with admin consent;
 * - a Teams administrator creates an application access policy for the app and
 *   grants it to the organisers (or tenant-wide), in Teams PowerShell:
 *   `New-CsApplicationAccessPolicy -Identity Samspil -AppIds <client id>` and
 *   `Grant-CsApplicationAccessPolicy -PolicyName Samspil -Identity <organiser object id>`
 *   (or `-Global`). Changes can take up to 30 minutes to apply.
 *
 * Create is idempotent: `POST /users/{organiser}/onlineMeetings/createOrGet`
 * with `externalId` = our meeting id returns the existing meeting on a retry
 * (Graph keys it by tenant, organiser and externalId), so a retried or
 * repeated create never makes two meetings. Such meetings are not put in
 * anyone's calendar; the invitation is ours (Teams message or .ics).
 */
import { z } from 'zod';
import type { Logger } from '../../platform/logger';
import { GraphError, isGraphError } from '../../platform/graph/errors';
import { GraphHttp } from '../../platform/graph/graphHttp';
import type { GraphHttpOptions, GraphResponse } from '../../platform/graph/graphHttp';

/** Who may skip the lobby (Graph's lobbyBypassScope). */
export const LOBBY_BYPASS_SCOPES = [
  'organizer',
  'organization',
  'organizationAndFederated',
  'everyone',
  'invited',
  'organizationExcludingGuests',
] as const;

const entraObjectId = z.string().uuid();
const instant = z.string().datetime({ offset: true });
const subject = z.string().trim().min(1).max(255);
const lobbyBypassSettings = z.object({ scope: z.enum(LOBBY_BYPASS_SCOPES), isDialInBypassEnabled: z.boolean().optional() });
const endAfterStart = (v: { startDateTime?: string; endDateTime?: string }) =>
  v.startDateTime === undefined || v.endDateTime === undefined || Date.parse(v.endDateTime) > Date.parse(v.startDateTime);

/** A coordination meeting to get a Teams meeting for. */
export const createOnlineMeetingSchema = z
  .object({
    /** Our coordination meeting's id: sent as Graph's externalId, the idempotency key. */
    meetingId: z.string().regex(/^[A-Za-z0-9._:-]{1,100}$/),
    /** Entra object id of the organiser, a user in the tenant covered by the access policy. */
    organizerUserId: entraObjectId,
    subject,
    startDateTime: instant,
    endDateTime: instant,
    lobbyBypassSettings: lobbyBypassSettings.optional(),
  })
  .refine(endAfterStart, { path: ['endDateTime'], message: 'endNotAfterStart' });
export type CreateOnlineMeeting = z.input<typeof createOnlineMeetingSchema>;

/** Which Graph meeting: its organiser and Graph's id. */
export const meetingRefSchema = z.object({ organizerUserId: entraObjectId, onlineMeetingId: z.string().min(1).max(1000) });
export type MeetingRef = z.input<typeof meetingRefSchema>;

/** Changes to a meeting; Graph needs start and end together. */
export const updateOnlineMeetingSchema = meetingRefSchema
  .extend({
    subject: subject.optional(),
    startDateTime: instant.optional(),
    endDateTime: instant.optional(),
    lobbyBypassSettings: lobbyBypassSettings.optional(),
  })
  .refine((v) => (v.startDateTime === undefined) === (v.endDateTime === undefined), { path: ['endDateTime'], message: 'startAndEndTogether' })
  .refine(endAfterStart, { path: ['endDateTime'], message: 'endNotAfterStart' });
export type UpdateOnlineMeeting = z.input<typeof updateOnlineMeetingSchema>;

/** The part of Graph's onlineMeeting resource we use; the rest is dropped. */
export const onlineMeetingResponseSchema = z.object({
  id: z.string().min(1).max(1000),
  joinWebUrl: z.string().url().startsWith('https://'),
  startDateTime: instant,
  endDateTime: instant,
  subject: z.string().nullish(),
  externalId: z.string().nullish(),
  /** The meeting's chat: its thread id is the chat's id in Graph and the bot's conversation id there. */
  chatInfo: z.object({ threadId: z.string().min(1).max(400).nullish() }).passthrough().nullish(),
});

/** A Teams meeting as Samspil keeps it. */
export interface OnlineMeeting {
  /** Graph's onlineMeeting id, for update and delete. */
  id: string;
  joinWebUrl: string;
  startDateTime: string;
  endDateTime: string;
  /** The meeting chat's thread id (Graph's chatInfo.threadId), when Graph gives one. */
  chatId?: string;
}

/** What the coordination-meeting capability needs from Teams meetings (a fake can implement it). */
export interface OnlineMeetings {
  create(input: CreateOnlineMeeting): Promise<OnlineMeeting & { created: boolean }>;
  update(input: UpdateOnlineMeeting): Promise<OnlineMeeting>;
  delete(input: MeetingRef): Promise<'deleted' | 'alreadyGone'>;
}

const meetingsPath = (organizerUserId: string) => `/users/${encodeURIComponent(organizerUserId)}/onlineMeetings`;
const utc = (iso: string) => new Date(iso).toISOString();

/** Online meetings through Microsoft Graph; throws GraphError (see errors.ts) and ZodError on bad input. */
export class GraphOnlineMeetings implements OnlineMeetings {
  private readonly http: GraphHttp;
  private readonly logger: Logger;

  constructor(options: GraphHttpOptions) {
    this.http = new GraphHttp(options);
    this.logger = options.logger;
  }

  /** Creates the Teams meeting for our meeting, or returns the one made before, brought up to date. */
  async create(input: CreateOnlineMeeting): Promise<OnlineMeeting & { created: boolean }> {
    const m = createOnlineMeetingSchema.parse(input);
    const body = { externalId: m.meetingId, subject: m.subject, startDateTime: utc(m.startDateTime), endDateTime: utc(m.endDateTime) };
    const response = await this.http.send('onlineMeetings.createOrGet', 'POST', `${meetingsPath(m.organizerUserId)}/createOrGet`, body);
    const found = this.parseMeeting('onlineMeetings.createOrGet', response);
    const created = response.status === 201;
    // createOrGet returns an existing meeting as it is: a change whose update was lost is applied now.
    const stale =
      !created &&
      (Date.parse(found.startDateTime) !== Date.parse(m.startDateTime) ||
        Date.parse(found.endDateTime) !== Date.parse(m.endDateTime) ||
        (found.subject ?? '') !== m.subject);
    this.logger.info('graph.onlineMeeting.createOrGet', { meetingId: m.meetingId, onlineMeetingId: found.id, created, stale });
    if (!stale && !m.lobbyBypassSettings) return { ...toMeeting(found), created };
    const updated = await this.update({
      organizerUserId: m.organizerUserId,
      onlineMeetingId: found.id,
      ...(stale ? { subject: m.subject, startDateTime: m.startDateTime, endDateTime: m.endDateTime } : {}),
      lobbyBypassSettings: m.lobbyBypassSettings,
    });
    return { ...updated, created };
  }

  /** Changes subject, times or lobby settings (PATCH, 200 with the meeting). */
  async update(input: UpdateOnlineMeeting): Promise<OnlineMeeting> {
    const u = updateOnlineMeetingSchema.parse(input);
    const body = {
      ...(u.subject === undefined ? {} : { subject: u.subject }),
      ...(u.startDateTime === undefined ? {} : { startDateTime: utc(u.startDateTime), endDateTime: utc(u.endDateTime!) }),
      ...(u.lobbyBypassSettings === undefined ? {} : { lobbyBypassSettings: u.lobbyBypassSettings }),
    };
    const path = `${meetingsPath(u.organizerUserId)}/${encodeURIComponent(u.onlineMeetingId)}`;
    const meeting = toMeeting(this.parseMeeting('onlineMeetings.update', await this.http.send('onlineMeetings.update', 'PATCH', path, body)));
    this.logger.info('graph.onlineMeeting.updated', { onlineMeetingId: meeting.id });
    return meeting;
  }

  /** Deletes the meeting; one that is already gone (404) counts as done. */
  async delete(input: MeetingRef): Promise<'deleted' | 'alreadyGone'> {
    const d = meetingRefSchema.parse(input);
    const path = `${meetingsPath(d.organizerUserId)}/${encodeURIComponent(d.onlineMeetingId)}`;
    try {
      await this.http.send('onlineMeetings.delete', 'DELETE', path);
    } catch (err) {
      if (!isGraphError(err, 'GRAPH_NOT_FOUND')) throw err;
      this.logger.info('graph.onlineMeeting.deleted', { onlineMeetingId: d.onlineMeetingId, alreadyGone: true });
      return 'alreadyGone';
    }
    this.logger.info('graph.onlineMeeting.deleted', { onlineMeetingId: d.onlineMeetingId, alreadyGone: false });
    return 'deleted';
  }

  /** Graph's answer through zod; a body of another shape is GRAPH_BAD_RESPONSE (logged with the paths that failed, never values). */
  private parseMeeting(op: string, response: GraphResponse): z.output<typeof onlineMeetingResponseSchema> {
    const parsed = onlineMeetingResponseSchema.safeParse(response.body);
    if (parsed.success) return parsed.data;
    const fields = [...new Set(parsed.error.issues.map((i) => i.path.join('.')))].join(',');
    this.logger.warn('graph.failed', { op, code: 'GRAPH_BAD_RESPONSE', status: response.status, requestId: response.requestId, fields });
    throw new GraphError('GRAPH_BAD_RESPONSE', { status: response.status, requestId: response.requestId, cause: parsed.error });
  }
}

function toMeeting(m: z.output<typeof onlineMeetingResponseSchema>): OnlineMeeting {
  const chatId = m.chatInfo?.threadId ?? undefined;
  return { id: m.id, joinWebUrl: m.joinWebUrl, startDateTime: m.startDateTime, endDateTime: m.endDateTime, ...(chatId ? { chatId } : {}) };
}
