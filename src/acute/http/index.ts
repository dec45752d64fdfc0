/**
 * The acute line's endpoint built from the settings, for the acute
 * capability's `routes` (src/acute/index.ts):
 *
 *   routes: acuteApiRoutes(platform, posting)
 *
 * Nothing is registered while ACUTE_API_AUDIENCE is unset: no audience, no
 * tokens we could check, so no door at all (the paths answer 404).
 */
import type { Server } from 'restify';
import type { Platform } from '../../platform/platform';
import { RateLimit } from '../../platform/http/rateLimit';
import type { AcutePosting } from '../domain/ports';
import { acuteRoutes } from './acuteRoutes';
import { EntraAppTokenVerifier } from './tokenVerifier';

export { acuteRoutes, ACUTE_MESSAGES_PATH, ACUTE_API_REFUSALS, acuteAuditPartition } from './acuteRoutes';
export type { AcuteRoutesDeps } from './acuteRoutes';
export { EntraAppTokenVerifier, type AcuteTokenVerifier, type AcuteCaller } from './tokenVerifier';

/** The endpoint's route registration from the platform's settings, or undefined when it is off. */
export function acuteApiRoutes(p: Pick<Platform, 'config' | 'audit' | 'env' | 'logger'>, posting: AcutePosting): ((server: Server) => void) | undefined {
  const settings = p.config.acuteApi;
  if (!settings) return undefined;
  const verifier = new EntraAppTokenVerifier({ audiences: settings.audiences, allowedTenantIds: p.config.allowedTenantIds, jwksUrl: settings.jwksUrl });
  const limit = new RateLimit(settings.ratePerMinute, 60_000);
  return (server) =>
    acuteRoutes(server, { posting, verifier, audit: p.audit, env: p.env, logger: p.logger, roles: { post: settings.postRole, read: settings.readRole }, limit });
}
