/**
 * Who is calling the acute line's endpoint: an Entra ID app-only access token,
 * checked with `jose` against the caller's tenant's published keys.
 *
 * In order, each refusal with a code (logged, never sent to the caller):
 * 1. `Authorization: Bearer <compact JWS>`                        → 401 missing / malformed
 * 2. header alg RS256 (so never `none`, never an HMAC)            → 401 algorithm
 * 3. `tid` a GUID on ALLOWED_TENANT_IDS, before any key is fetched → 401 tenant
 * 4. signature with the tenant's JWKS, issuer, audience, exp/nbf  → 401 signature / unknownKey /
 *    (60 s skew)                                                      issuer / audience / expired / …
 * 5. the calling app's id (`azp` v2, `appid` v1), a GUID            → 401 malformed
 * 6. app-only: no `scp`, and `idtyp` is `app` where present        → 403 notAppOnly
 * Keys that cannot be fetched are a 503 (our fault or Entra's, not the caller's).
 * The role check is the route's: each route needs its own role.
 */
import { createRemoteJWKSet, decodeJwt, decodeProtectedHeader, errors, jwtVerify, type JWTPayload } from 'jose';

/** The app that called, as its verified token says. */
export interface AcuteCaller {
  /** Lower-case tenant GUID (`tid`). */
  tenantId: string;
  /** The calling app's client id (lower case). */
  appId: string;
  /** App roles granted to the calling app on our API (`roles`). */
  roles: readonly string[];
}

export type TokenRefusal =
  | 'missing'
  | 'malformed'
  | 'algorithm'
  | 'tenant'
  | 'signature'
  | 'unknownKey'
  | 'issuer'
  | 'audience'
  | 'expired'
  | 'notYetValid'
  | 'invalid';

export type TokenVerdict =
  | { ok: true; caller: AcuteCaller }
  | { ok: false; status: 401; reason: TokenRefusal }
  /** A valid token, but not one this endpoint takes (a user's delegated token). */
  | { ok: false; status: 403; reason: 'notAppOnly'; caller: AcuteCaller }
  | { ok: false; status: 503; reason: 'keysUnavailable' };

/** Checks the Authorization header of a request to the acute line's endpoint. */
export interface AcuteTokenVerifier {
  /** The verdict on the header; never throws for anything the caller sent. */
  verify(authorization: string | undefined): Promise<TokenVerdict>;
}

/** Entra ID's key set per tenant; `{tenant}` is replaced by the token's `tid`. */
export const DEFAULT_JWKS_URL = 'https://login.microsoftonline.com/{tenant}/discovery/v2.0/keys';

/** Clock difference allowed on exp/nbf (seconds): machines drift a little, tokens live an hour. */
export const CLOCK_TOLERANCE_SECONDS = 60;

export interface EntraTokenSettings {
  /** What `aud` may be: the API's app id URI (v1 tokens) and/or its client id (v2 tokens). */
  audiences: readonly string[];
  /** Lower-case tenant GUIDs served; undefined = every tenant (local, tests). */
  allowedTenantIds?: readonly string[];
  /** The tenant's JWKS URL with `{tenant}`; default Entra ID's. */
  jwksUrl?: string;
  /** Injected for tests: the clock jose checks exp/nbf against. */
  now?: () => Date;
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
// Three base64url parts; Entra tokens are 1–3 KB, 8 KB leaves room for many roles.
// The scheme is case-insensitive (RFC 9110 §11.1).
const BEARER = /^Bearer +([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*)$/i;
const MAX_TOKEN_CHARS = 8_192;
// Tenants whose key sets are kept; only allowed tenants reach the cache, so it stays small in production.
const MAX_KEY_SETS = 64;

/** The two issuers Entra ID uses for a tenant: v1 tokens (sts.windows.net) and v2 tokens. */
export function issuersOf(tenantId: string): { v1: string; v2: string } {
  return { v1: `https://sts.windows.net/${tenantId}/`, v2: `https://login.microsoftonline.com/${tenantId}/v2.0` };
}

/** Verifies Entra ID app-only tokens for the acute line's endpoint. */
export class EntraAppTokenVerifier implements AcuteTokenVerifier {
  private readonly keySets = new Map<string, ReturnType<typeof createRemoteJWKSet>>();
  private readonly jwksUrl: string;

  constructor(private readonly settings: EntraTokenSettings) {
    if (settings.audiences.length === 0) throw new Error('EntraAppTokenVerifier needs at least one audience');
    this.jwksUrl = settings.jwksUrl ?? DEFAULT_JWKS_URL;
  }

  async verify(authorization: string | undefined): Promise<TokenVerdict> {
    if (!authorization) return refuse('missing');
    const token = authorization.length <= MAX_TOKEN_CHARS ? BEARER.exec(authorization)?.[1] : undefined;
    if (!token) return refuse('malformed');

    let tenantId: string;
    try {
      // Unverified: only to refuse early and to pick the tenant's keys; every claim is verified below.
      if (decodeProtectedHeader(token).alg !== 'RS256') return refuse('algorithm');
      const tid = decodeJwt(token).tid;
      if (typeof tid !== 'string' || !GUID.test(tid)) return refuse('malformed');
      tenantId = tid.toLowerCase();
    } catch {
      return refuse('malformed');
    }
    // A tenant we don't serve never makes us fetch its keys.
    if (this.settings.allowedTenantIds && !this.settings.allowedTenantIds.includes(tenantId)) return refuse('tenant');

    let payload: JWTPayload;
    try {
      const issuers = issuersOf(tenantId);
      ({ payload } = await jwtVerify(token, this.keySetOf(tenantId), {
        algorithms: ['RS256'],
        issuer: [issuers.v1, issuers.v2],
        audience: [...this.settings.audiences],
        clockTolerance: CLOCK_TOLERANCE_SECONDS,
        requiredClaims: ['exp', 'tid'],
        ...(this.settings.now ? { currentDate: this.settings.now() } : {}),
      }));
    } catch (err) {
      return verdictOf(err);
    }

    // The issuer must match the token's version, and the app's id is in the claim that version uses.
    const { v1 } = issuersOf(tenantId);
    const isV1 = payload.iss === v1;
    if ((payload.ver ?? (isV1 ? '1.0' : '2.0')) !== (isV1 ? '1.0' : '2.0')) return refuse('issuer');
    const appId = isV1 ? payload.appid : payload.azp;
    if (typeof appId !== 'string' || !GUID.test(appId)) return refuse('malformed');
    const roles = Array.isArray(payload.roles) ? payload.roles.filter((r): r is string => typeof r === 'string') : [];
    const caller: AcuteCaller = { tenantId, appId: appId.toLowerCase(), roles };
    // A user's delegated token carries scopes (scp); an app's never does.
    if (payload.scp !== undefined || (payload.idtyp !== undefined && payload.idtyp !== 'app')) return { ok: false, status: 403, reason: 'notAppOnly', caller };
    return { ok: true, caller };
  }

  /** jose keeps each set's keys (refetching on an unknown kid, at most every 30 s). */
  private keySetOf(tenantId: string): ReturnType<typeof createRemoteJWKSet> {
    let set = this.keySets.get(tenantId);
    if (!set) {
      if (this.keySets.size >= MAX_KEY_SETS) this.keySets.delete(this.keySets.keys().next().value!);
      set = createRemoteJWKSet(new URL(this.jwksUrl.replace('{tenant}', tenantId)), { timeoutDuration: 5_000 });
      this.keySets.set(tenantId, set);
    }
    return set;
  }
}

/** Whether the caller holds one of the roles. */
export function hasRole(caller: AcuteCaller, roles: readonly string[]): boolean {
  return caller.roles.some((r) => roles.includes(r));
}

function refuse(reason: TokenRefusal): TokenVerdict {
  return { ok: false, status: 401, reason };
}

/** jose's errors as refusals; keys that could not be fetched or read are ours to fix (503). */
function verdictOf(err: unknown): TokenVerdict {
  if (err instanceof errors.JWKSTimeout || err instanceof errors.JWKSInvalid) return { ok: false, status: 503, reason: 'keysUnavailable' };
  if (err instanceof errors.JWTExpired) return refuse('expired');
  if (err instanceof errors.JWTClaimValidationFailed) {
    if (err.claim === 'iss') return refuse('issuer');
    if (err.claim === 'aud') return refuse('audience');
    if (err.claim === 'nbf') return refuse('notYetValid');
    return refuse('invalid');
  }
  if (err instanceof errors.JWSSignatureVerificationFailed) return refuse('signature');
  if (err instanceof errors.JWKSNoMatchingKey || err instanceof errors.JWKSMultipleMatchingKeys) return refuse('unknownKey');
  if (err instanceof errors.JOSEAlgNotAllowed) return refuse('algorithm');
  // The generic JOSEError is jose's word for a key set answer that was not 200 or not JSON.
  if (err instanceof errors.JOSEError) return err.code === 'ERR_JOSE_GENERIC' ? { ok: false, status: 503, reason: 'keysUnavailable' } : refuse('invalid');
  // fetch() failing (DNS, refused connection, a non-JSON answer): the keys are unavailable, not the token bad.
  return { ok: false, status: 503, reason: 'keysUnavailable' };
}
