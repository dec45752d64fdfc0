/**
 * Conversation references through the real @azure/cosmos client against the
 * embedded server, and the create path through botbuilder's real CloudAdapter
 * (anonymous, as locally) against a loopback fake of POST /v3/conversations.
 */
import { strict as assert } from 'node:assert';
import { CosmosClient, type Container } from '@azure/cosmos';
import { TeamsAdapter } from '@microsoft/teams-ai';
import { silentLogger } from '../../../../src/platform/logger';
import {
  CONFIRMED_REFERENCE_TTL_MS, ConnectorConversationCreator, ConversationDirectory, ConversationReferenceStore, ConversationUnavailableError,
} from '../../../../src/platform/conversations/conversationReferences';
import { ensureContainers } from '../../../../src/platform/storage/containers';
import { EmbeddedCosmos, startEmbeddedCosmos } from '../../../../src/platform/storage/embedded/embeddedCosmos';
import { CosmosRequestLog } from '../../../support/cosmosRequests';
import { FakeConversationConnector } from '../../../support/fakeConversationConnector';

const TENANT = '72f988bf-0000-4000-8000-000000000001';
const NINA = '00000000-0000-4000-8000-00000000a001';
const OLE = '00000000-0000-4000-8000-00000000b002';

let seq = 0;
function personalMessage(user: string, over: { serviceUrl?: string; tenantId?: string; conversationType?: string; locale?: string } = {}) {
  const tenantId = over.tenantId ?? TENANT;
  return {
    type: 'message',
    id: `act-${++seq}`,
    text: 'mine planer',
    channelId: 'msteams',
    serviceUrl: over.serviceUrl ?? 'https://smba.trafficmanager.net/emea/',
    locale: over.locale ?? 'da-DK',
    from: { id: `29:${user}`, name: 'Nina Sygeplejerske', aadObjectId: user },
    recipient: { id: '28:samspil-bot', name: 'Samspil' },
    conversation: { id: `a:personal-${user}`, conversationType: over.conversationType ?? 'personal', tenantId },
    channelData: { tenant: { id: tenantId } },
  };
}

describe('conversation references (real client, embedded server)', function () {
  this.timeout(30_000);
  let cosmos: EmbeddedCosmos;
  let client: CosmosClient;
  let container: Container;
  let store: ConversationReferenceStore;
  let db = 0;

  before(async () => {
    cosmos = await startEmbeddedCosmos({ logger: silentLogger });
    client = new CosmosClient(cosmos.clientOptions());
  });
  after(async () => {
    client.dispose();
    await cosmos.close();
  });
  beforeEach(async () => {
    container = (await ensureContainers(client, `conv-${++db}`)).conversations;
    store = new ConversationReferenceStore(container);
  });
  const etagOf = async (user: string, tenantId = TENANT) => (await container.item(user, tenantId).read()).etag;

  it('remembers a personal chat once and writes again only when the reference changed', async () => {
    assert.equal(await store.rememberFrom(personalMessage(NINA)), 'created');
    const etag = await etagOf(NINA);
    assert.equal(await store.rememberFrom({ ...personalMessage(NINA), text: 'hjælp', from: { id: `29:${NINA}`, name: 'Nina S.', aadObjectId: NINA } }), 'unchanged');
    assert.equal(await etagOf(NINA), etag, 'no write for an unchanged reference');
    assert.equal(await store.rememberFrom(personalMessage(NINA, { serviceUrl: 'https://smba.trafficmanager.net/amer/' })), 'updated');
    assert.notEqual(await etagOf(NINA), etag);
    const ref = await store.get(TENANT, NINA);
    assert.equal(ref?.serviceUrl, 'https://smba.trafficmanager.net/amer/');
    assert.deepEqual(ref?.conversation, { id: `a:personal-${NINA}`, conversationType: 'personal', tenantId: TENANT });
    assert.deepEqual(ref?.user, { id: `29:${NINA}`, aadObjectId: NINA });
    const { resource } = await container.item(NINA, TENANT).read();
    assert.doesNotMatch(JSON.stringify(resource), /Nina|Samspil|mine planer|act-/, 'ids only: no names, text or activity ids');
  });

  it('an unchanged chat asks Cosmos nothing for a while; a changed one, or one after the while, is read again', async () => {
    let now = 1_000_000;
    const timed = new ConversationReferenceStore(container, () => now);
    const log = new CosmosRequestLog().start();
    try {
      assert.equal(await timed.rememberFrom(personalMessage(NINA)), 'created');
      log.background.splice(0);
      assert.equal(await timed.rememberFrom({ ...personalMessage(NINA), text: 'hjælp' }), 'unchanged');
      now += CONFIRMED_REFERENCE_TTL_MS - 1;
      assert.equal(await timed.rememberFrom(personalMessage(NINA)), 'unchanged');
      assert.equal(log.background.length, 0, 'no request for a chat confirmed lately');
      assert.equal(await timed.rememberFrom(personalMessage(NINA, { locale: 'en-GB' })), 'updated');
      assert.deepEqual(log.background.map((r) => r.kind), ['read', 'write'], 'a changed reference is read and written');
      log.background.splice(0);
      now += CONFIRMED_REFERENCE_TTL_MS;
      // Meanwhile another instance stored a newer reference: after the while, this one is checked again.
      await container.item(NINA, TENANT).delete();
      log.background.splice(0);
      assert.equal(await timed.rememberFrom(personalMessage(NINA, { locale: 'en-GB' })), 'created');
      assert.deepEqual(log.background.map((r) => r.kind), ['read', 'write']);
    } finally {
      log.stop();
    }
  });

  it('ignores activities that are not a user’s Teams personal chat', async () => {
    assert.equal(await store.rememberFrom(personalMessage(NINA, { conversationType: 'groupChat' })), 'ignored');
    assert.equal(await store.rememberFrom({ ...personalMessage(NINA), channelId: 'webchat' }), 'ignored');
    assert.equal(await store.rememberFrom({ ...personalMessage(NINA), from: { id: `29:${NINA}` } }), 'ignored');
    assert.equal(await store.rememberFrom('not an activity'), 'ignored');
    assert.equal((await container.items.readAll().fetchAll()).resources.length, 0);
  });

  it('keeps tenants apart and finds a tenant’s newest serviceUrl', async () => {
    await store.rememberFrom(personalMessage(NINA, { serviceUrl: 'https://smba.trafficmanager.net/emea/' }));
    await new Promise((r) => setTimeout(r, 5));
    await store.rememberFrom(personalMessage(OLE, { serviceUrl: 'https://smba.trafficmanager.net/emea2/' }));
    await store.rememberFrom(personalMessage(OLE, { tenantId: 'other-tenant', serviceUrl: 'https://smba.trafficmanager.net/amer/' }));
    assert.equal(await store.get('other-tenant', NINA), undefined);
    assert.equal(await store.serviceUrlOf(TENANT), 'https://smba.trafficmanager.net/emea2/');
    assert.equal(await store.serviceUrlOf('other-tenant'), 'https://smba.trafficmanager.net/amer/');
    assert.equal(await store.serviceUrlOf('empty-tenant'), undefined);
  });

  it('writes once when ten activities of a new user arrive at the same time', async () => {
    const results = await Promise.all(Array.from({ length: 10 }, () => store.rememberFrom(personalMessage(NINA))));
    assert.equal(results.filter((r) => r === 'created').length, 1);
    assert.equal(results.filter((r) => r === 'unchanged').length, 9);
  });

  it('overwrites a stored document that does not parse, instead of trusting it', async () => {
    await container.items.create({ id: NINA, tenantId: TENANT, reference: { serviceUrl: 'not a url' } });
    assert.equal(await store.get(TENANT, NINA), undefined);
    assert.equal(await store.rememberFrom(personalMessage(NINA)), 'updated');
    assert.equal((await store.get(TENANT, NINA))?.serviceUrl, 'https://smba.trafficmanager.net/emea/');
  });

  describe('ConversationDirectory through CloudAdapter and a fake connector', () => {
    let regional: FakeConversationConnector;
    let fallback: FakeConversationConnector;
    let regionalUrl: string;
    let fallbackUrl: string;
    let directory: ConversationDirectory;

    beforeEach(async () => {
      regional = new FakeConversationConnector();
      fallback = new FakeConversationConnector();
      regionalUrl = await regional.start();
      fallbackUrl = await fallback.start();
      const creator = new ConnectorConversationCreator(new TeamsAdapter({}), { appId: '', id: '28:samspil-bot' });
      directory = new ConversationDirectory(store, creator, { defaultServiceUrl: fallbackUrl, logger: silentLogger });
    });
    afterEach(async () => {
      await regional.stop();
      await fallback.stop();
    });

    it('returns a stored reference without calling the connector', async () => {
      await store.rememberFrom(personalMessage(NINA, { serviceUrl: regionalUrl }));
      const ref = await directory.getOrCreatePersonalConversation(TENANT, NINA);
      assert.equal(ref.conversation.id, `a:personal-${NINA}`);
      assert.equal(regional.requests.length + fallback.requests.length, 0);
    });

    it('creates the 1:1 chat in the tenant’s region (POST /v3/conversations), stores it, and reuses it', async () => {
      await store.rememberFrom(personalMessage(NINA, { serviceUrl: regionalUrl }));
      const ref = await directory.getOrCreatePersonalConversation(TENANT, OLE);
      assert.equal(fallback.requests.length, 0);
      assert.equal(regional.requests.length, 1);
      const { url, body, authorization } = regional.requests[0]!;
      assert.equal(url, '/v3/conversations');
      assert.deepEqual(body, {
        isGroup: false,
        bot: { id: '28:samspil-bot' },
        members: [{ id: OLE }],
        tenantId: TENANT,
        channelData: { tenant: { id: TENANT } },
      });
      assert.equal(authorization, undefined, 'anonymous locally: no token');
      assert.deepEqual(ref, {
        channelId: 'msteams',
        serviceUrl: regionalUrl,
        conversation: { id: 'a:1personal-1', conversationType: 'personal', tenantId: TENANT },
        bot: { id: '28:samspil-bot' },
        user: { id: OLE, aadObjectId: OLE },
      });
      assert.deepEqual(await store.get(TENANT, OLE), ref);
      assert.deepEqual(await directory.getOrCreatePersonalConversation(TENANT, OLE), ref);
      assert.equal(regional.requests.length, 1, 'the second call used the stored reference');
    });

    it('uses the configured default serviceUrl for a tenant it has never seen', async () => {
      const ref = await directory.getOrCreatePersonalConversation('new-tenant', OLE);
      assert.equal(fallback.requests.length, 1);
      assert.equal(ref.serviceUrl, fallbackUrl);
      assert.equal(fallback.requests[0]!.body.tenantId, 'new-tenant');
    });

    it('reports a user without the app installed (403) and stores nothing', async () => {
      fallback.refuseWith = 403;
      await assert.rejects(
        directory.getOrCreatePersonalConversation(TENANT, OLE),
        (err: unknown) => err instanceof ConversationUnavailableError && err.code === 'not_installed',
      );
      assert.equal(await store.get(TENANT, OLE), undefined);
    });
  });
});
