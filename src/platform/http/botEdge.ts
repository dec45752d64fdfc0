/**
 * POST /api/messages: the one door for Bot Framework activities. In order:
 *
 * 1. the body: JSON, at most MAX_BODY_BYTES, an activity envelope (zod)  → else 400 {"error":"bad request"}
 * 2. the token: botbuilder's validation (signature, issuer, audience, expiry,
 *    channel endorsement, service URL)                                      → else 401 {"error":"unauthorized"}
 * 3. the channel and tenant (accessGate): audited refusal                  → 403, or for a card action
 *    an error answer that leaves the card as it is
 * 4. the turn (teams-ai)                                                    → 200 / the invoke response
 *
 * A client's mistake never gets a 5xx, and no response carries a library's text;
 * a real fault is a 500 {"error":"internal"} and a log line with codes only.
 */
import type { Request, Response } from 'restify';
import type { Application, TurnState } from '@microsoft/teams-ai';
import { AuthenticationError } from 'botframework-connector';
import type { BotAdapter } from '../bot/botAdapter';
import type { AuditLog } from '../ports';
import type { Environment } from '../identity';
import { errorFields, Logger } from '../logger';
import { parseEnvelope, readJsonBody, toBotActivity } from './activityEnvelope';
import { activityTypeCode, auditRefusal, refusalOf } from './accessGate';

export interface BotEdgeDeps {
  adapter: BotAdapter;
  app: Application<TurnState>;
  audit: AuditLog;
  /** Lower-case tenant GUIDs served; undefined = every tenant (local, tests). */
  allowedTenantIds?: readonly string[];
  env: Environment;
  logger: Logger;
}

const BAD_REQUEST = { error: 'bad request' };
const UNAUTHORIZED = { error: 'unauthorized' };
const FORBIDDEN = { error: 'forbidden' };
const INTERNAL = { error: 'internal' };

/** The JWT library's verdicts on a token (botbuilder passes them on as they are). */
const TOKEN_ERRORS = new Set(['JsonWebTokenError', 'TokenExpiredError', 'NotBeforeError']);

/** A refused token (401), as opposed to keys that could not be read or a bug (500). */
function isRefusedToken(err: unknown): boolean {
  if (err instanceof AuthenticationError) return err.statusCode < 500;
  return err instanceof Error && TOKEN_ERRORS.has(err.name);
}

/**
 * Universal Actions' error answer (HTTP 200): Teams shows its own error and
 * keeps the card as it was. Other invokes and all other activities get a 403.
 */
const CARD_ACTION_REFUSED = { statusCode: 403, type: 'application/vnd.microsoft.error', value: { code: 'Forbidden', message: 'forbidden' } };

/** The request handler for POST /api/messages. */
export function botEdge(deps: BotEdgeDeps): (req: Request, res: Response) => Promise<void> {
  const { adapter, app, audit, env, logger } = deps;
  const log = logger.child({ route: 'messages' });

  const handle = async (req: Request, res: Response): Promise<void> => {
    const read = await readJsonBody(req);
    if (!read.ok) {
      log.warn('http.messages.badRequest', { reason: read.reason });
      if (read.reason === 'tooLarge') res.setHeader('connection', 'close');
      res.send(400, BAD_REQUEST);
      return;
    }
    const envelope = parseEnvelope(read.body);
    if (!envelope.ok) {
      log.warn('http.messages.badRequest', { reason: envelope.reason, field: envelope.field });
      res.send(400, BAD_REQUEST);
      return;
    }
    const activity = envelope.activity;
    const botActivity = toBotActivity(activity);

    let auth: Awaited<ReturnType<BotAdapter['authenticate']>>;
    try {
      const header = req.headers.authorization;
      auth = await adapter.authenticate(botActivity, typeof header === 'string' ? header : '');
    } catch (err) {
      if (isRefusedToken(err)) {
        log.warn('http.messages.unauthorized', { errorName: err instanceof Error ? err.name : typeof err });
        res.send(401, UNAUTHORIZED);
      } else {
        log.error('http.messages.authFailed', errorFields(err));
        res.send(500, INTERNAL);
      }
      return;
    }

    const refusal = refusalOf(activity, deps.allowedTenantIds);
    if (refusal) {
      try {
        await auditRefusal(audit, env, activity, refusal);
      } catch (err) {
        // Unaudited means unanswered: the channel retries, and nothing was done either way.
        log.error('access.refused.auditFailed', errorFields(err));
        res.send(500, INTERNAL);
        return;
      }
      log.warn('access.refused', { reason: refusal.reason, check: refusal.reason === 'tenant' ? refusal.check : undefined, activityType: activityTypeCode(activity.type) });
      if (activity.type === 'invoke' && activity.name === 'adaptiveCard/action') res.send(200, CARD_ACTION_REFUSED);
      else res.send(403, FORBIDDEN);
      return;
    }

    const answer = await adapter.runAuthenticated(auth, botActivity, (context) => app.run(context).then(() => undefined));
    if (answer?.body !== undefined) res.send(answer.status, answer.body);
    else res.send(answer?.status ?? 200);
  };

  return async (req, res) => {
    try {
      await handle(req, res);
    } catch (err) {
      // The turn (or anything unforeseen) failed: restify's own error body would carry the message.
      log.error('http.messages.failed', errorFields(err));
      if (!res.headersSent) res.send(500, INTERNAL);
    }
  };
}
