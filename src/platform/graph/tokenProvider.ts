/**
 * Access tokens for Microsoft Graph with application permissions (no user
 * signed in): client credentials of an app registration, or the App Service's
 * managed identity. @azure/identity caches tokens and renews them before they
 * expire, so asking for one per request is cheap.
 */
import { ClientSecretCredential, ManagedIdentityCredential } from '@azure/identity';
import type { TokenCredential } from '@azure/identity';
import { GraphError } from './errors';

/** The scope for application permissions granted to the app on Microsoft Graph. */
export const GRAPH_SCOPE = 'https://graph.microsoft.com/.default';

/** Hands out a bearer token for Microsoft Graph. */
export interface GraphTokenProvider {
  getToken(): Promise<string>;
}

/** How to authenticate to Graph: an app registration's secret, or a managed identity. */
export type GraphCredentialSettings =
  | { kind: 'clientSecret'; tenantId: string; clientId: string; clientSecret: string }
  /** `clientId` picks a user-assigned identity; without it the system-assigned one is used. */
  | { kind: 'managedIdentity'; clientId?: string };

/** The @azure/identity credential for the settings. */
export function graphCredential(settings: GraphCredentialSettings): TokenCredential {
  return settings.kind === 'clientSecret'
    ? new ClientSecretCredential(settings.tenantId, settings.clientId, settings.clientSecret)
    : new ManagedIdentityCredential(settings.clientId ? { clientId: settings.clientId } : {});
}

/** A token provider over any TokenCredential; failures become GRAPH_TOKEN_FAILED. */
export function credentialTokenProvider(credential: TokenCredential, scope: string = GRAPH_SCOPE): GraphTokenProvider {
  return {
    async getToken() {
      let token: Awaited<ReturnType<TokenCredential['getToken']>>;
      try {
        token = await credential.getToken(scope);
      } catch (err) {
        throw new GraphError('GRAPH_TOKEN_FAILED', { cause: err });
      }
      if (!token?.token) throw new GraphError('GRAPH_TOKEN_FAILED');
      return token.token;
    },
  };
}

/** A fixed token (tests, and local runs against a fake Graph). */
export function staticTokenProvider(token: string): GraphTokenProvider {
  return { getToken: async () => token };
}
