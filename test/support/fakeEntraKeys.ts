/**
 * Entra ID as the acute line's endpoint sees it, offline: an RSA key pair
 * whose public half is served as a tenant's JWKS on a loopback port (the real
 * path, /{tenant}/discovery/v2.0/keys), and app-only access tokens signed with
 * it by `jose`, shaped like Entra's v1 and v2 tokens. A second key pair that
 * is never published signs "another key" tokens.
 */
import { createHmac } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK, type JWTPayload } from 'jose';
import { issuersOf } from '../../src/acute/http/tokenVerifier';

export const ENTRA_TENANT = '72f988bf-0000-4000-8000-000000000001';
export const OTHER_TENANT = '0badbeef-0000-4000-8000-00000000f00d';
/** The acute line's system (the calling app's client id). */
export const CALLER_APP_ID = '11111111-2222-4333-8444-555555555555';
/** Our API: app id URI (v1 tokens' aud) and client id (v2 tokens' aud). */
export const API_CLIENT_ID = 'aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee';
export const API_APP_ID_URI = `api://samspil-acute-${API_CLIENT_ID}`;
export const KEY_ID = 'test-key-1';

export interface TokenOptions {
  /** Entra token version: v2 (default, iss login.microsoftonline.com/…/v2.0, azp) or v1 (sts.windows.net, appid). */
  version?: 1 | 2;
  tenantId?: string;
  roles?: string[];
  audience?: string;
  issuer?: string;
  /** Seconds from now; negative for an expired token. */
  expiresIn?: number;
  notBefore?: number;
  /** Signed with the unpublished key. */
  otherKey?: boolean;
  /** Claims added or overriding (e.g. scp for a user's token). */
  claims?: JWTPayload;
  kid?: string;
}

export class FakeEntraKeys {
  private server?: http.Server;
  private key?: { privateKey: CryptoKey; publicJwk: JWK };
  private other?: CryptoKey;
  /** Every key set request's path (to count fetches). */
  readonly requests: string[] = [];
  /** Set by start(): the JWKS URL template with {tenant}. */
  jwksUrl = '';
  /** Answer key set requests with this status instead (e.g. 500). */
  failWith?: number;

  /** Makes the keys and serves the public one on a free loopback port. */
  async start(): Promise<this> {
    const pair = await generateKeyPair('RS256', { extractable: true });
    this.key = { privateKey: pair.privateKey, publicJwk: { ...(await exportJWK(pair.publicKey)), kid: KEY_ID, use: 'sig', alg: 'RS256' } };
    this.other = (await generateKeyPair('RS256')).privateKey;
    this.server = http.createServer((req, res) => {
      this.requests.push(req.url ?? '');
      const match = /^\/([0-9a-f-]{36})\/discovery\/v2\.0\/keys$/.exec(req.url ?? '');
      // restify patches ServerResponse.writeHead (it returns nothing then): no chaining.
      if (this.failWith) {
        res.statusCode = this.failWith;
        res.end();
      } else if (req.method === 'GET' && match) {
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ keys: [this.key!.publicJwk] }));
      } else {
        res.statusCode = 404;
        res.end();
      }
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.jwksUrl = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/{tenant}/discovery/v2.0/keys`;
    return this;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  /** An app-only access token as Entra issues it for client credentials, with the options' changes. */
  async token(o: TokenOptions = {}): Promise<string> {
    const tenantId = o.tenantId ?? ENTRA_TENANT;
    const v1 = o.version === 1;
    const now = Math.floor(Date.now() / 1000);
    const claims: JWTPayload = {
      aud: o.audience ?? (v1 ? API_APP_ID_URI : API_CLIENT_ID),
      iss: o.issuer ?? (v1 ? issuersOf(tenantId).v1 : issuersOf(tenantId).v2),
      iat: now - 5,
      nbf: o.notBefore !== undefined ? now + o.notBefore : now - 5,
      exp: now + (o.expiresIn ?? 3600),
      tid: tenantId,
      oid: '99999999-0000-4000-8000-000000000099',
      sub: '99999999-0000-4000-8000-000000000099',
      idtyp: 'app',
      ver: v1 ? '1.0' : '2.0',
      ...(v1 ? { appid: CALLER_APP_ID, appidacr: '1' } : { azp: CALLER_APP_ID, azpacr: '1' }),
      ...(o.roles === undefined ? { roles: ['Acute.Post'] } : o.roles.length ? { roles: o.roles } : {}),
      ...o.claims,
    };
    return new SignJWT(claims).setProtectedHeader({ alg: 'RS256', typ: 'JWT', kid: o.kid ?? KEY_ID }).sign(o.otherKey ? this.other! : this.key!.privateKey);
  }

  /** The same claims with `alg: none` and no signature. */
  async unsigned(o: TokenOptions = {}): Promise<string> {
    const [, payload] = (await this.token(o)).split('.');
    const header = Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url');
    return `${header}.${payload}.`;
  }

  /** A token whose header says HS256, signed with the public key's modulus as the secret (the classic key-confusion attack). */
  async hmacConfused(): Promise<string> {
    const secret = new TextEncoder().encode(this.key!.publicJwk.n!);
    const [, payload] = (await this.token()).split('.');
    const header = Buffer.from(JSON.stringify({ alg: 'HS256', typ: 'JWT', kid: KEY_ID })).toString('base64url');
    const sig = createHmac('sha256', secret).update(`${header}.${payload}`).digest('base64url');
    return `${header}.${payload}.${sig}`;
  }
}
