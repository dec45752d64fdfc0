/**
 * Reading a personal-chat reference from a Teams activity (zod at the edge), and the
 * directory's choices with hand-written fakes of the store and the connector.
 */
import { strict as assert } from 'node:assert';
import { silentLogger } from '../../../../src/platform/logger';
import {
  ConversationDirectory, PersonalConversationCreator, PersonalReference, personalReferenceOf, toConversationReference,
} from '../../../../src/platform/conversations/conversationReferences';

const T = 'tenant-1';
const U = 'user-aad-1';
const activity = {
  type: 'installationUpdate',
  channelId: 'msteams',
  serviceUrl: 'https://smba.trafficmanager.net/emea/',
  locale: 'sv-SE',
  from: { id: '29:abc', name: 'Nina', aadObjectId: U },
  recipient: { id: '28:bot', name: 'Samspil' },
  conversation: { id: 'a:personal', conversationType: 'personal' },
  channelData: { tenant: { id: T } },
};
const ref = (over: Partial<PersonalReference> = {}): PersonalReference => ({
  channelId: 'msteams',
  serviceUrl: 'https://smba.trafficmanager.net/emea/',
  conversation: { id: 'a:personal', conversationType: 'personal', tenantId: T },
  bot: { id: '28:bot' },
  user: { id: '29:abc', aadObjectId: U },
  ...over,
});

describe('personalReferenceOf', () => {
  it('keeps ids, serviceUrl and locale; takes the tenant from channelData when the conversation lacks it', () => {
    assert.deepEqual(personalReferenceOf(activity), { ...ref(), locale: 'sv-SE' });
  });

  const ignored: [string, unknown][] = [
    ['a group chat', { ...activity, conversation: { ...activity.conversation, conversationType: 'groupChat' } }],
    ['a channel', { ...activity, conversation: { ...activity.conversation, conversationType: 'channel' } }],
    ['another channel than Teams', { ...activity, channelId: 'webchat' }],
    ['no AAD object id', { ...activity, from: { id: '29:abc' } }],
    ['no tenant', { ...activity, channelData: {} }],
    ['a tenant in conversation.tenantId only (never the fallback)', { ...activity, conversation: { ...activity.conversation, tenantId: T }, channelData: {} }],
    ['a serviceUrl that is not a URL', { ...activity, serviceUrl: 'javascript:alert(1)x y' }],
    ['an AAD id Cosmos cannot use as id', { ...activity, from: { id: '29:abc', aadObjectId: 'a/b' } }],
    ['nothing', undefined],
  ];
  for (const [what, input] of ignored) {
    it(`ignores ${what}`, () => assert.equal(personalReferenceOf(input), undefined));
  }

  it('gives botbuilder’s shape for continueConversationAsync', () => {
    const out = toConversationReference(ref());
    assert.equal(out.conversation?.isGroup, false);
    assert.equal(out.conversation?.tenantId, T);
    assert.equal(out.user?.aadObjectId, U);
    assert.equal(out.serviceUrl, ref().serviceUrl);
  });
});

describe('ConversationDirectory (fakes)', () => {
  class FakeStore {
    refs = new Map<string, PersonalReference>();
    serviceUrls = new Map<string, string>();
    /** Runs before a save: e.g. the user's own activity arriving meanwhile. */
    beforeSave?: () => void;
    async get(tenantId: string, userAadId: string) {
      return this.refs.get(`${tenantId}/${userAadId}`);
    }
    async serviceUrlOf(tenantId: string) {
      return this.serviceUrls.get(tenantId);
    }
    async save(r: PersonalReference, options: { onlyIfAbsent?: boolean } = {}) {
      this.beforeSave?.();
      const key = `${r.conversation.tenantId}/${r.user.aadObjectId}`;
      if (this.refs.has(key) && options.onlyIfAbsent) return 'unchanged' as const;
      this.refs.set(key, r);
      return 'created' as const;
    }
  }
  class FakeCreator implements PersonalConversationCreator {
    calls: string[][] = [];
    async createPersonalConversation(serviceUrl: string, tenantId: string, userAadId: string) {
      this.calls.push([serviceUrl, tenantId, userAadId]);
      return ref({ serviceUrl, conversation: { id: 'a:created', conversationType: 'personal', tenantId }, user: { id: userAadId, aadObjectId: userAadId } });
    }
  }
  let store: FakeStore;
  let creator: FakeCreator;
  let directory: ConversationDirectory;
  beforeEach(() => {
    store = new FakeStore();
    creator = new FakeCreator();
    directory = new ConversationDirectory(store, creator, { defaultServiceUrl: 'https://default.example/', logger: silentLogger });
  });

  it('prefers the tenant’s known region over the default', async () => {
    store.serviceUrls.set(T, 'https://smba.trafficmanager.net/emea/');
    await directory.getOrCreatePersonalConversation(T, U);
    await directory.getOrCreatePersonalConversation('t-2', U);
    assert.deepEqual(creator.calls, [
      ['https://smba.trafficmanager.net/emea/', T, U],
      ['https://default.example/', 't-2', U],
    ]);
  });

  it('keeps the reference from the user’s own activity if it arrived while the chat was being created', async () => {
    store.beforeSave = () => store.refs.set(`${T}/${U}`, ref());
    const out = await directory.getOrCreatePersonalConversation(T, U);
    assert.equal(out.user.id, '29:abc');
    assert.equal(out.conversation.id, 'a:personal');
  });
});
