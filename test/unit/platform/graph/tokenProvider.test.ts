import assert from 'node:assert/strict';
import { ClientSecretCredential, ManagedIdentityCredential } from '@azure/identity';
import type { AccessToken, TokenCredential } from '@azure/identity';
import { GraphError } from '../../../../src/platform/graph/errors';
import { GRAPH_SCOPE, credentialTokenProvider, graphCredential } from '../../../../src/platform/graph/tokenProvider';

/** A TokenCredential that records the scopes asked for and answers as told. */
function fakeCredential(answer: () => Promise<AccessToken | null>): TokenCredential & { scopes: (string | string[])[] } {
  const scopes: (string | string[])[] = [];
  return { scopes, getToken: async (scope) => (scopes.push(scope), answer()) };
}

describe('graph/tokenProvider', () => {
  it('asks the credential for the Graph .default scope (application permissions) and returns the token', async () => {
    const credential = fakeCredential(async () => ({ token: 'eyJ.token', expiresOnTimestamp: Date.now() + 3_600_000 }));
    assert.equal(await credentialTokenProvider(credential).getToken(), 'eyJ.token');
    assert.deepEqual(credential.scopes, ['https://graph.microsoft.com/.default']);
    assert.equal(GRAPH_SCOPE, 'https://graph.microsoft.com/.default');
  });

  it('a credential that fails becomes GRAPH_TOKEN_FAILED, keeping the cause', async () => {
    const cause = new Error('AADSTS7000215: Invalid client secret provided.');
    const err = await credentialTokenProvider(fakeCredential(async () => { throw cause; })).getToken().catch((e: unknown) => e);
    assert.ok(err instanceof GraphError);
    assert.equal(err.code, 'GRAPH_TOKEN_FAILED');
    assert.equal(err.cause, cause);
    assert.ok(!err.message.includes('AADSTS'), 'the message is ours, not the credential\'s');
  });

  it('a credential that yields no token becomes GRAPH_TOKEN_FAILED', async () => {
    await assert.rejects(credentialTokenProvider(fakeCredential(async () => null)).getToken(), { code: 'GRAPH_TOKEN_FAILED' });
  });

  it('builds a client-secret credential or a managed identity from the settings', () => {
    const secret = graphCredential({ kind: 'clientSecret', tenantId: '72f988bf-86f1-41af-91ab-2d7cd011db47', clientId: '2b3a0c4d-1e5f-4a6b-8c7d-9e0f1a2b3c4d', clientSecret: 's' });
    assert.ok(secret instanceof ClientSecretCredential);
    assert.ok(graphCredential({ kind: 'managedIdentity' }) instanceof ManagedIdentityCredential);
    assert.ok(graphCredential({ kind: 'managedIdentity', clientId: '2b3a0c4d-1e5f-4a6b-8c7d-9e0f1a2b3c4d' }) instanceof ManagedIdentityCredential);
  });
});
