/**
 * The Bot Framework's token side, offline: a loopback server with OpenID
 * metadata and a JWKS in the real shape (login.botframework.com's
 * `/v1/.well-known/openidconfiguration` and `keys`, each key with its channel
 * `endorsements`), RSA keys made here with node:crypto, and tokens signed like
 * the Bot Connector's (RS256; iss, aud, serviceurl, nbf, exp). The bot is pointed
 * at it with BOT_OPENID_METADATA_URL.
 *
 * Also the other direction: credentials for the bot's own calls to the
 * connector that need no Azure AD (a fixed token the fake connector records).
 */
import { createHmac, generateKeyPairSync, KeyObject, sign } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { MicrosoftAppCredentials, PasswordServiceClientCredentialFactory, ServiceClientCredentials } from 'botframework-connector';

export const BOT_APP_ID = '11111111-2222-4333-8444-555555555555';
export const BOT_FRAMEWORK_ISSUER = 'https://api.botframework.com';
/** What the bot puts in its replies' Authorization header in tests. */
export const OUTBOUND_TOKEN = 'outbound-test-token';

export interface SigningKey {
  kid: string;
  privateKey: KeyObject;
  publicKey: KeyObject;
  endorsements: string[];
}

/** A fresh RSA key pair (2048 bits, as Bot Framework's). */
export function newSigningKey(kid: string, endorsements: string[]): SigningKey {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { kid, privateKey, publicKey, endorsements };
}

const b64url = (data: Buffer | string) => Buffer.from(data).toString('base64url');

export interface TokenOptions {
  /** Default: the Teams key. */
  key?: SigningKey;
  /** The header's kid; default the key's. `null` leaves it out. */
  kid?: string | null;
  /** 'RS256' (default), 'HS256' (keyed with the public key's PEM, the classic confusion attack) or 'none'. */
  alg?: 'RS256' | 'HS256' | 'none';
}

/** The loopback OpenID metadata + JWKS server, and a token signer. */
export class FakeBotFrameworkIssuer {
  /** Teams' key: endorsed for msteams only. */
  readonly teamsKey = newSigningKey('teams-key-1', ['msteams']);
  /** Another channel's key, as Bot Framework serves several. */
  readonly webchatKey = newSigningKey('webchat-key-1', ['webchat', 'directline']);
  /** Metadata and key requests served, for asserting that validation happened here. */
  requests = 0;
  private server?: http.Server;
  private base = '';

  /** The BOT_OPENID_METADATA_URL to configure. */
  get metadataUrl(): string {
    return `${this.base}/v1/.well-known/openidconfiguration`;
  }

  async start(): Promise<this> {
    this.server = http.createServer((req, res) => {
      this.requests++;
      res.setHeader('content-type', 'application/json');
      if (req.url === '/v1/.well-known/openidconfiguration') {
        res.end(JSON.stringify({
          issuer: BOT_FRAMEWORK_ISSUER,
          authorization_endpoint: 'https://invalid.botframework.com',
          jwks_uri: `${this.base}/v1/.well-known/keys`,
          id_token_signing_alg_values_supported: ['RS256'],
          token_endpoint_auth_methods_supported: ['private_key_jwt'],
        }));
        return;
      }
      if (req.url === '/v1/.well-known/keys') {
        const keys = [this.teamsKey, this.webchatKey].map((k) => ({
          ...(k.publicKey.export({ format: 'jwk' }) as Record<string, string>),
          kid: k.kid,
          use: 'sig',
          endorsements: k.endorsements,
        }));
        res.end(JSON.stringify({ keys }));
        return;
      }
      res.statusCode = 404;
      res.end('{}');
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.base = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  /** The claims the Bot Connector puts in a token for this bot and service URL. */
  claims(serviceUrl: string, nowSeconds = Math.floor(Date.now() / 1000)): Record<string, unknown> {
    return { serviceurl: serviceUrl, nbf: nowSeconds - 60, exp: nowSeconds + 3600, iss: BOT_FRAMEWORK_ISSUER, aud: BOT_APP_ID };
  }

  /** Signs any payload into a compact JWT. */
  sign(payload: Record<string, unknown>, options: TokenOptions = {}): string {
    const key = options.key ?? this.teamsKey;
    const alg = options.alg ?? 'RS256';
    const kid = options.kid === undefined ? key.kid : options.kid;
    const header = { alg, typ: 'JWT', ...(kid === null ? {} : { kid, x5t: kid }) };
    const input = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(payload))}`;
    if (alg === 'none') return `${input}.`;
    const signature =
      alg === 'HS256'
        ? createHmac('sha256', key.publicKey.export({ type: 'spki', format: 'pem' })).update(input).digest()
        : sign('sha256', Buffer.from(input), key.privateKey);
    return `${input}.${b64url(signature)}`;
  }

  /** A valid Teams token for an activity with this service URL. */
  token(serviceUrl: string, overrides: Record<string, unknown> = {}, options: TokenOptions = {}): string {
    return this.sign({ ...this.claims(serviceUrl), ...overrides }, options);
  }
}

/** The bot's own credentials for replies, without Azure AD: a fixed bearer token. */
class FixedTokenCredentials extends MicrosoftAppCredentials {
  override async getToken(): Promise<string> {
    return OUTBOUND_TOKEN;
  }
}

/**
 * botbuilder's password credential factory (so `isValidAppId`, which checks the
 * incoming token's audience, is the real one) whose credentials need no Azure AD.
 */
export class LoopbackConnectorCredentials extends PasswordServiceClientCredentialFactory {
  constructor(appTenantId: string) {
    super(BOT_APP_ID, 'unused-test-password', appTenantId);
  }

  override async createCredentials(appId: string): Promise<ServiceClientCredentials> {
    if (!(await this.isValidAppId(appId))) throw new Error('Invalid appId.');
    return new FixedTokenCredentials(appId, 'unused-test-password');
  }
}
