/**
 * A loopback fake of the Microsoft Graph v1.0 online-meeting endpoints, with
 * the real paths and shapes: POST /users/{id}/onlineMeetings/createOrGet
 * (201 new, 200 existing, keyed by organiser + externalId), PATCH, GET and
 * DELETE /users/{id}/onlineMeetings/{meetingId}. It checks the Bearer token,
 * can enforce an application access policy (403 for other organisers), and
 * injects faults: a status (429/503 with Retry-After, 403, 500…), a malformed
 * body, or a response lost after the meeting was made.
 *
 * Also POST /chats/{chat-id}/installedApps (installing an app in a chat, e.g.
 * a meeting's chat): 201 with no body, 409 Conflict when the app is already
 * installed there, 400 without a `teamsApp@odata.bind` to the app catalogue,
 * 404 for a chat the fake does not know (`knownChats`, when set).
 */
import { randomBytes, randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export const FAKE_GRAPH_TOKEN = 'fake-graph-token';
export const FAKE_TENANT_ID = '72f988bf-86f1-41af-91ab-2d7cd011db47';

export interface GraphRequest {
  method: string;
  path: string;
  body: unknown;
  at: number;
  clientRequestId?: string;
}

type Meeting = Record<string, unknown> & { id: string; externalId?: string; organizerUserId: string };
type Times = { startDateTime: string; endDateTime: string };
type Fault =
  | { kind: 'status'; status: number; retryAfter?: string; code?: string }
  | { kind: 'malformed'; mutate: (body: Record<string, unknown>) => unknown }
  | { kind: 'dropResponse' }
  | { kind: 'delay'; ms: number };

const graphTime = (iso: string) => new Date(iso).toISOString().replace('Z', '0000Z');
const ERROR_CODES: Record<number, string> = { 400: 'BadRequest', 401: 'InvalidAuthenticationToken', 403: 'Forbidden', 404: 'NotFound', 429: 'TooManyRequests', 503: 'ServiceUnavailable' };

export class FakeGraph {
  readonly requests: GraphRequest[] = [];
  token = FAKE_GRAPH_TOKEN;
  /** When set, only these organisers are covered by the application access policy. */
  policyUsers?: Set<string>;
  /** Apps installed per chat id (catalogue ids): a test may preinstall one (409 on the next install). */
  readonly installedApps = new Map<string, Set<string>>();
  /** When set, only these chats exist (404 for others); by default every meeting's chat and any other id do. */
  knownChats?: Set<string>;
  /** Apps (catalogue ids) already in every chat, as when people added them by hand: installing them is 409. */
  readonly preinstalled = new Set<string>();
  private readonly installFaults: { status: number; retryAfter?: string }[] = [];
  /** Entra groups' (transitive) members by group id: POST /users/{id}/checkMemberGroups. */
  readonly groupMembers = new Map<string, Set<string>>();
  /** Teams' members with their roles ("owner" or none) by the team's group id: GET /teams/{id}/members?$filter=…userId eq '…'. */
  readonly teamMembers = new Map<string, { userId: string; displayName: string; roles: string[] }[]>();
  private readonly meetings = new Map<string, Meeting>();
  private readonly faults: Fault[] = [];
  private server?: http.Server;
  /** Set by start(). */
  baseUrl = '';

  /** Starts listening on a free loopback port; returns the base URL (…/v1.0). */
  async start(): Promise<string> {
    this.server = http.createServer((req, res) => {
      let text = '';
      req.on('data', (c: Buffer) => (text += c.toString('utf8')));
      req.on('end', () => this.handle(req, res, text));
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.baseUrl = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/v1.0`;
    return this.baseUrl;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  /** The next `count` requests get this status (after the token check), e.g. 429 with Retry-After "1". */
  failNext(count: number, status: number, options: { retryAfter?: string; code?: string } = {}): void {
    for (let i = 0; i < count; i++) this.faults.push({ kind: 'status', status, ...options });
  }

  /** The next `count` app installations in chats get this status (other requests are not affected). */
  failNextInstall(count: number, status: number, options: { retryAfter?: string } = {}): void {
    for (let i = 0; i < count; i++) this.installFaults.push({ status, ...options });
  }

  /** The next successful answer carries this body instead (e.g. without joinWebUrl). */
  malformNext(mutate: (body: Record<string, unknown>) => unknown): void {
    this.faults.push({ kind: 'malformed', mutate });
  }

  /** The next request is carried out, then the connection is cut before any answer: a lost response. */
  dropNextResponse(): void {
    this.faults.push({ kind: 'dropResponse' });
  }

  /** The next request is carried out and answered only after `ms` (a slow Graph). */
  delayNext(ms: number): void {
    this.faults.push({ kind: 'delay', ms });
  }

  /** All meetings the fake holds, as Graph would return them. */
  allMeetings(): Record<string, unknown>[] {
    return [...this.meetings.values()].map((m) => this.view(m));
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse, text: string): void {
    const path = (req.url ?? '').split('?')[0]!;
    const clientRequestId = header(req, 'client-request-id');
    let body: unknown;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      return this.error(res, 400, 'Invalid JSON');
    }
    this.requests.push({ method: req.method ?? '', path, body, at: Date.now(), clientRequestId });
    res.setHeader('request-id', randomUUID());
    if (clientRequestId) res.setHeader('client-request-id', clientRequestId);

    if (header(req, 'authorization') !== `Bearer ${this.token}`) return this.error(res, 401, 'Access token validation failure.');
    const fault = this.faults.shift();
    if (fault?.kind === 'status') {
      if (fault.retryAfter !== undefined) res.setHeader('retry-after', fault.retryAfter);
      return this.error(res, fault.status, 'Injected fault.', fault.code);
    }
    const chatApps = /^\/v1\.0\/chats\/([^/]+)\/installedApps$/.exec(path);
    const installFault = chatApps && this.installFaults.shift();
    if (installFault) {
      if (installFault.retryAfter !== undefined) res.setHeader('retry-after', installFault.retryAfter);
      return this.error(res, installFault.status, 'Injected fault.');
    }
    if (chatApps) return this.installApp(req, res, decodeURIComponent(chatApps[1]!), body, fault);
    const directory = this.directory(req, path, body);
    if (directory) return this.json(res, directory.status, directory.body);
    const match = /^\/v1\.0\/users\/([^/]+)\/onlineMeetings(?:\/([^/]+))?$/.exec(path);
    if (!match) return this.error(res, 400, 'Resource not found for the segment.');
    const userId = decodeURIComponent(match[1]!);
    const segment = match[2] === undefined ? undefined : decodeURIComponent(match[2]);
    if (this.policyUsers && !this.policyUsers.has(userId)) {
      return this.error(res, 403, 'No application access policy found for this app.');
    }

    const answer = this.route(req.method ?? '', userId, segment, body);
    if (fault?.kind === 'dropResponse') {
      req.socket.destroy();
      return;
    }
    const respond = () => {
      if ('error' in answer) return this.error(res, answer.status, answer.error);
      if (answer.meeting === undefined) {
        res.statusCode = answer.status;
        res.end();
        return;
      }
      const view = this.view(answer.meeting);
      this.json(res, answer.status, fault?.kind === 'malformed' ? fault.mutate(view) : view);
    };
    if (fault?.kind === 'delay') setTimeout(respond, fault.ms).unref();
    else respond();
  }

  private route(method: string, userId: string, segment: string | undefined, body: unknown):
    { status: number; meeting?: Meeting } | { status: number; error: string } {
    const input = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
    if (method === 'POST' && segment === 'createOrGet') {
      if (typeof input.externalId !== 'string' || input.externalId === '') return { status: 400, error: 'externalId is required.' };
      const existing = [...this.meetings.values()].find((m) => m.organizerUserId === userId && m.externalId === input.externalId);
      if (existing) return { status: 200, meeting: existing };
      const times = this.times(input, undefined);
      if ('error' in times) return times;
      const meeting = this.newMeeting(userId, input, times);
      this.meetings.set(meeting.id, meeting);
      return { status: 201, meeting };
    }
    const meeting = segment === undefined ? undefined : this.meetings.get(segment);
    if (!meeting || meeting.organizerUserId !== userId) return { status: 404, error: 'The meeting was not found.' };
    if (method === 'GET') return { status: 200, meeting };
    if (method === 'DELETE') {
      this.meetings.delete(meeting.id);
      return { status: 204 };
    }
    if (method === 'PATCH') {
      if (('startDateTime' in input) !== ('endDateTime' in input)) return { status: 400, error: 'startDateTime and endDateTime go together.' };
      const times = this.times(input, meeting);
      if ('error' in times) return times;
      Object.assign(meeting, times);
      if (typeof input.subject === 'string') meeting.subject = input.subject;
      if (input.lobbyBypassSettings) meeting.lobbyBypassSettings = { ...(meeting.lobbyBypassSettings as object), ...(input.lobbyBypassSettings as object) };
      return { status: 200, meeting };
    }
    return { status: 405, error: 'Method not allowed.' };
  }

  /** POST /chats/{id}/installedApps: Graph answers 201 Created with no body. */
  private installApp(req: http.IncomingMessage, res: http.ServerResponse, chatId: string, body: unknown, fault: Fault | undefined): void {
    if (req.method !== 'POST') return this.error(res, 405, 'Method not allowed.');
    const bind = (typeof body === 'object' && body !== null ? (body as Record<string, unknown>)['teamsApp@odata.bind'] : undefined);
    const raw = typeof bind === 'string' ? /^https:\/\/graph\.microsoft\.com\/v1\.0\/appCatalogs\/teamsApps\/([^/]+)$/.exec(bind)?.[1] : undefined;
    const appId = raw && decodeURIComponent(raw);
    if (!appId) return this.error(res, 400, 'teamsApp@odata.bind must name an app in the catalogue.');
    if (this.knownChats && !this.knownChats.has(chatId)) return this.error(res, 404, 'Chat not found.');
    const apps = this.installedApps.get(chatId) ?? new Set<string>();
    if (apps.has(appId) || this.preinstalled.has(appId)) return this.error(res, 409, 'App is already installed in this chat.', 'Conflict');
    apps.add(appId);
    this.installedApps.set(chatId, apps);
    if (fault?.kind === 'dropResponse') {
      req.socket.destroy();
      return;
    }
    res.statusCode = 201;
    res.end();
  }

  /** checkMemberGroups and a team's members filtered by user (the shapes Graph answers with), or undefined for other paths. */
  private directory(req: http.IncomingMessage, path: string, body: unknown): { status: number; body: unknown } | undefined {
    const check = /^\/v1\.0\/users\/([^/]+)\/checkMemberGroups$/.exec(path);
    if (check && req.method === 'POST') {
      const userId = decodeURIComponent(check[1]!);
      const asked = ((body as { groupIds?: unknown })?.groupIds ?? []) as string[];
      return { status: 200, body: { '@odata.context': `${this.baseUrl}/$metadata#Collection(Edm.String)`, value: asked.filter((g) => this.groupMembers.get(g)?.has(userId)) } };
    }
    const team = /^\/v1\.0\/teams\/([^/]+)\/members$/.exec(path);
    if (team && req.method === 'GET') {
      const members = this.teamMembers.get(decodeURIComponent(team[1]!));
      if (!members) return { status: 404, body: { error: { code: 'NotFound', message: 'No team found with Group Id.' } } };
      const filter = new URL(req.url ?? '', 'http://x').searchParams.get('$filter') ?? '';
      const wanted = /userId eq '([^']+)'/.exec(filter)?.[1];
      const value = members
        .filter((m) => wanted === undefined || m.userId === wanted)
        .map((m) => ({ '@odata.type': '#microsoft.graph.aadUserConversationMember', id: Buffer.from(m.userId).toString('base64'), roles: m.roles, displayName: m.displayName, userId: m.userId, tenantId: FAKE_TENANT_ID }));
      return { status: 200, body: { '@odata.context': `${this.baseUrl}/$metadata#teams('${team[1]}')/members`, '@odata.count': value.length, value } };
    }
    return undefined;
  }

  /** Graph's rules: end needs start, end after start, defaults now and start + 1 h; stored in UTC with 7 decimals. */
  private times(input: Record<string, unknown>, current: Meeting | undefined): Times | { status: number; error: string } {
    const start = typeof input.startDateTime === 'string' ? input.startDateTime : undefined;
    const end = typeof input.endDateTime === 'string' ? input.endDateTime : undefined;
    if (current && start === undefined) return { startDateTime: current.startDateTime as string, endDateTime: current.endDateTime as string };
    if (end !== undefined && start === undefined) return { status: 400, error: 'endDateTime needs startDateTime.' };
    const startMs = start === undefined ? Date.now() : Date.parse(start);
    const endMs = end === undefined ? startMs + 3_600_000 : Date.parse(end);
    if (Number.isNaN(startMs) || Number.isNaN(endMs) || endMs < startMs) return { status: 400, error: 'Invalid meeting times.' };
    return { startDateTime: graphTime(new Date(startMs).toISOString()), endDateTime: graphTime(new Date(endMs).toISOString()) };
  }

  private newMeeting(userId: string, input: Record<string, unknown>, times: Times): Meeting {
    const thread = `19:meeting_${randomBytes(24).toString('base64url')}@thread.v2`;
    const joinWebUrl =
      `https://teams.microsoft.com/l/meetup-join/${encodeURIComponent(thread)}/0?context=` +
      encodeURIComponent(JSON.stringify({ Tid: FAKE_TENANT_ID, Oid: userId }));
    return {
      // Real ids are base64 and may hold '/', '+' and '=': clients must encode them in paths.
      id: Buffer.from(`1*${userId}*0**${thread}`).toString('base64'),
      organizerUserId: userId,
      externalId: input.externalId as string,
      creationDateTime: graphTime(new Date().toISOString()),
      ...times,
      joinUrl: joinWebUrl,
      joinWebUrl,
      subject: typeof input.subject === 'string' ? input.subject : null,
      isBroadcast: false,
      autoAdmittedUsers: 'everyoneInCompany',
      isEntryExitAnnounced: true,
      allowedPresenters: 'everyone',
      videoTeleconferenceId: String(randomBytes(4).readUInt32BE()),
      participants: {
        organizer: { upn: null, role: 'presenter', identity: { user: { id: userId, displayName: null, tenantId: FAKE_TENANT_ID, identityProvider: 'AAD' } } },
        attendees: [],
      },
      lobbyBypassSettings: { scope: 'organization', isDialInBypassEnabled: false },
      joinMeetingIdSettings: { isPasscodeRequired: false, joinMeetingId: String(1e11 + randomBytes(4).readUInt32BE()), passcode: null },
      chatInfo: { threadId: thread, messageId: '0', replyChainMessageId: null },
      audioConferencing: null,
    };
  }

  private view(meeting: Meeting): Record<string, unknown> {
    const { organizerUserId, ...rest } = meeting;
    return { '@odata.context': `${this.baseUrl}/$metadata#users('${organizerUserId}')/onlineMeetings/$entity`, ...rest };
  }

  private json(res: http.ServerResponse, status: number, body: unknown): void {
    res.statusCode = status;
    res.setHeader('content-type', 'application/json; odata.metadata=minimal; odata.streaming=true; charset=utf-8');
    res.end(JSON.stringify(body));
  }

  private error(res: http.ServerResponse, status: number, message: string, code?: string): void {
    const innerError = { date: new Date().toISOString().slice(0, 19), 'request-id': res.getHeader('request-id'), 'client-request-id': res.getHeader('client-request-id') };
    this.json(res, status, { error: { code: code ?? ERROR_CODES[status] ?? 'UnknownError', message, innerError } });
  }
}

function header(req: http.IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}
