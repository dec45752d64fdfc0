/**
 * The acute line's own system posts urgent messages and reads who took them:
 *
 *   POST /api/acute/messages        (app role Acute.Post)             → 202 { id }, Location
 *   GET  /api/acute/messages/{id}   (app role Acute.Post or Acute.Read) → 200 status, or 404
 *
 * In order: a per-address limit (429), the token (tokenVerifier.ts: 401, 403 for a user's token, 503 when
 * Entra's keys cannot be read), the per-app rate limit (429), the app role
 * (403), the Idempotency-Key header, the body (at most 16 KB of JSON, zod: 400).
 * Nothing is posted unless every check passed. Answers are JSON `{ code,
 * message }` and never repeat what was sent. Every post and read is audited
 * (actor `app:<client id>`), and so is every refusal of an authenticated app;
 * an unauthenticated request is only logged (nobody unknown fills the trail).
 */
import type { Request, Response, Server } from 'restify';
import { AuditTrail } from '../../platform/audit/auditTrail';
import type { DenialReason } from '../../platform/audit/audit';
import { readJsonBody } from '../../platform/http/activityEnvelope';
import { clientIp, RateLimit } from '../../platform/http/rateLimit';
import type { Environment } from '../../platform/identity';
import { errorFields, type Logger } from '../../platform/logger';
import type { AuditLog } from '../../platform/ports';
import type { AcuteMessageStatus, AcutePosting } from '../domain/ports';
import { API_LIMITS, idempotencyKeySchema, messageIdSchema, parsePostBody } from './messageRequest';
import { hasRole, type AcuteCaller, type AcuteTokenVerifier } from './tokenVerifier';

export const ACUTE_MESSAGES_PATH = '/api/acute/messages';

/** Where a refused app's attempts are kept in the audit trail (not under any post). */
export const ACUTE_API_REFUSALS = 'acute:refusals';

/** The audit partition of one post (the acute capability may record its own entries there too). */
export const acuteAuditPartition = (messageId: string): string => `acute:${messageId}`;

export interface AcuteRoutesDeps {
  posting: AcutePosting;
  verifier: AcuteTokenVerifier;
  audit: AuditLog;
  env: Pick<Environment, 'now' | 'newId'>;
  logger: Logger;
  /** App roles (ACUTE_API_ROLE, ACUTE_API_READ_ROLE): posting needs `post`; reading needs either. */
  roles?: { post: string; read: string };
  /** Requests per calling app (ACUTE_API_RATE_LIMIT_PER_MINUTE, default 120 a minute), in this process's memory. */
  limit?: RateLimit;
  /** Requests per client address before the token is checked (default 600 a minute): bounds the work and log lines nobody authenticated can cause. */
  ipLimit?: RateLimit;
}

export const DEFAULT_ACUTE_ROLES = { post: 'Acute.Post', read: 'Acute.Read' } as const;
export const DEFAULT_ACUTE_RATE_PER_MINUTE = 120;

type Problem = { status: number; code: string; message: string; extra?: Record<string, unknown> };

const problems = {
  unauthorized: { status: 401, code: 'unauthorized', message: 'A valid Entra ID app-only bearer token for this API is required.' },
  notAppOnly: { status: 403, code: 'forbidden', message: 'Only an application token (client credentials) is accepted.' },
  noRole: { status: 403, code: 'forbidden', message: 'The calling application lacks the app role this request needs.' },
  unavailable: { status: 503, code: 'unavailable', message: 'The token could not be checked right now. Retry with the same Idempotency-Key.' },
  idempotencyKey: { status: 400, code: 'invalidIdempotencyKey', message: 'The Idempotency-Key header is required: 1-200 characters of A-Z a-z 0-9 . _ : ~ -.' },
  tooLarge: { status: 400, code: 'tooLarge', message: `The body may be at most ${API_LIMITS.body} bytes.` },
  notJson: { status: 400, code: 'notJson', message: 'The body must be JSON.' },
  invalidId: { status: 400, code: 'invalidId', message: 'The message id is not valid.' },
  notFound: { status: 404, code: 'notFound', message: 'There is no such message.' },
  noUnits: { status: 422, code: 'noUnits', message: 'No housing unit has registered an acute channel yet.' },
  internal: { status: 500, code: 'internal', message: 'Something went wrong. Retry with the same Idempotency-Key.' },
} satisfies Record<string, Problem>;

/** Registers POST /api/acute/messages and GET /api/acute/messages/{id} on the server. */
export function acuteRoutes(server: Server, deps: AcuteRoutesDeps): void {
  const roles = deps.roles ?? DEFAULT_ACUTE_ROLES;
  const limit = deps.limit ?? new RateLimit(DEFAULT_ACUTE_RATE_PER_MINUTE, 60_000);
  const ipLimit = deps.ipLimit ?? new RateLimit(DEFAULT_ACUTE_RATE_PER_MINUTE * 5, 60_000);
  const trail = new AuditTrail(deps.audit, deps.env);
  const log = deps.logger.child({ route: 'acute' });

  const tooMany = (res: Response, retryAfterMs: number) => {
    res.setHeader('retry-after', String(Math.max(1, Math.ceil(retryAfterMs / 1000))));
    send(res, { status: 429, code: 'tooManyRequests', message: 'Too many requests. Retry after the time in Retry-After.' });
  };

  /** The caller, or undefined when the answer has been sent (401/403/429/503). */
  const admit = async (req: Request, res: Response, needs: readonly string[], target: string): Promise<AcuteCaller | undefined> => {
    const byIp = ipLimit.take(clientIp(req));
    if (!byIp.ok) {
      tooMany(res, byIp.retryAfterMs);
      return undefined;
    }
    const header = req.headers.authorization;
    const verdict = await deps.verifier.verify(typeof header === 'string' ? header : undefined);
    if (!verdict.ok && verdict.status === 401) {
      log.warn('acute.api.unauthorized', { reason: verdict.reason });
      res.setHeader('www-authenticate', verdict.reason === 'missing' ? 'Bearer' : 'Bearer error="invalid_token"');
      send(res, problems.unauthorized);
      return undefined;
    }
    if (!verdict.ok && verdict.status === 503) {
      log.error('acute.api.keysUnavailable', {});
      res.setHeader('retry-after', '5');
      send(res, problems.unavailable);
      return undefined;
    }
    const caller = verdict.caller;
    const taken = limit.take(`${caller.tenantId}:${caller.appId}`);
    if (!taken.ok) {
      log.warn('acute.api.rateLimited', { tenantId: caller.tenantId, appId: caller.appId });
      tooMany(res, taken.retryAfterMs);
      return undefined;
    }
    const refusal: DenialReason | undefined = !verdict.ok ? verdict.reason : hasRole(caller, needs) ? undefined : 'noRole';
    if (refusal) {
      await refuse(caller, refusal, target);
      send(res, problems[refusal as 'noRole' | 'notAppOnly']);
      return undefined;
    }
    return caller;
  };

  const refuse = async (caller: AcuteCaller, reason: DenialReason, target: string, details?: Record<string, string>) => {
    log.warn('acute.api.refused', { reason, target, tenantId: caller.tenantId, appId: caller.appId });
    await trail.refused(actorOf(caller), ACUTE_API_REFUSALS, reason, target, details);
  };

  server.post(ACUTE_MESSAGES_PATH, guarded(log, async (req, res) => {
    const caller = await admit(req, res, [roles.post], 'acute.post');
    if (!caller) return;
    const key = idempotencyKeySchema.safeParse(req.headers['idempotency-key']);
    if (!key.success) {
      await refuse(caller, 'invalidPayload', 'acute.post', { part: 'idempotencyKey' });
      return send(res, problems.idempotencyKey);
    }
    const read = await readJsonBody(req, API_LIMITS.body);
    if (!read.ok) {
      await refuse(caller, 'invalidPayload', 'acute.post', { part: read.reason });
      if (read.reason === 'tooLarge') res.setHeader('connection', 'close');
      return send(res, read.reason === 'tooLarge' ? problems.tooLarge : problems.notJson);
    }
    const body = parsePostBody(read.body);
    if (!body.ok) {
      await refuse(caller, 'invalidPayload', 'acute.post', { part: 'body' });
      return send(res, { status: 400, code: 'invalidBody', message: 'The body is not valid: see fields.', extra: { fields: body.problem.fields } });
    }

    const result = await deps.posting.post(caller.tenantId, body.input, { kind: 'system', appId: caller.appId }, key.data);
    if (result.kind === 'noUnits') return send(res, problems.noUnits);
    if (result.kind === 'unknownUnits') {
      log.warn('acute.api.unknownUnits', { tenantId: caller.tenantId, appId: caller.appId, count: result.units.length });
      // Unit ids passed the safe-id check above: naming them tells the sender which to fix, and holds nothing about anyone.
      return send(res, { status: 422, code: 'unknownUnits', message: 'Some units have no registered acute channel.', extra: { units: result.units } });
    }
    // Recorded before the answer; a retry after a failure here posts nothing new and records this once.
    const units = body.input.units === 'all' ? 'all' : body.input.units.length;
    await trail.changed(actorOf(caller), acuteAuditPartition(result.id), 'acuteApi.posted', { created: result.created, urgency: body.input.urgency, units }, { key: [caller.appId, result.id] });
    log.info('acute.api.posted', { tenantId: caller.tenantId, appId: caller.appId, messageId: result.id, created: result.created });
    res.setHeader('location', `${ACUTE_MESSAGES_PATH}/${encodeURIComponent(result.id)}`);
    send(res, { status: 202, body: { id: result.id } });
  }));

  server.get(`${ACUTE_MESSAGES_PATH}/:id`, guarded(log, async (req, res) => {
    const caller = await admit(req, res, [roles.post, roles.read], 'acute.read');
    if (!caller) return;
    const id = messageIdSchema.safeParse(req.params?.id);
    if (!id.success) {
      await refuse(caller, 'invalidPayload', 'acute.read', { part: 'id' });
      return send(res, problems.invalidId);
    }
    const status = await deps.posting.status(caller.tenantId, id.data);
    if (!status) {
      // Once per window: a system polling a wrong id must not fill the trail.
      await trail.refusedRead(actorOf(caller), ACUTE_API_REFUSALS, 'notFound', `message:${id.data}`);
      return send(res, problems.notFound);
    }
    await trail.read(actorOf(caller), acuteAuditPartition(status.id), 'acuteApi.read', status.id);
    send(res, { status: 200, body: statusView(status) });
  }));
}

/** Exactly the contract's fields: whatever else the service keeps never leaves through this door. */
function statusView(s: AcuteMessageStatus): AcuteMessageStatus {
  return {
    id: s.id,
    createdAt: s.createdAt,
    urgency: s.urgency,
    units: s.units.map((u) => ({
      unitId: u.unitId,
      unitName: u.unitName,
      acknowledgements: u.acknowledgements.map((a) => ({ by: a.by, at: a.at, kind: a.kind })),
      ...(u.escalatedAt ? { escalatedAt: u.escalatedAt } : {}),
    })),
  };
}

const actorOf = (caller: AcuteCaller) => ({ tenantId: caller.tenantId, userId: `app:${caller.appId}` });

function send(res: Response, answer: Problem | { status: number; body: unknown }): void {
  res.setHeader('cache-control', 'no-store');
  if ('body' in answer) res.send(answer.status, answer.body);
  else res.send(answer.status, { code: answer.code, message: answer.message, ...answer.extra });
}

/** A fault (the store, the audit) is a 500 with codes in the log, never restify's text. */
function guarded(log: Logger, handler: (req: Request, res: Response) => Promise<void>): (req: Request, res: Response) => Promise<void> {
  return async (req, res) => {
    try {
      await handler(req, res);
    } catch (err) {
      log.error('acute.api.failed', errorFields(err));
      if (!res.headersSent) send(res, problems.internal);
    }
  };
}
