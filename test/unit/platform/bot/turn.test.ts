/** Reading the acting user and tenant from a Teams activity. */
import { strict as assert } from 'node:assert';
import type { TurnContext } from 'botbuilder';
import { readTurn } from '../../../../src/platform/bot/turn';

const T = '72f988bf-0000-4000-8000-000000000001';
const activity = {
  id: 'act-1',
  locale: 'da-DK',
  from: { id: '29:abc', name: 'Nina', aadObjectId: 'user-1' },
  conversation: { id: 'a:personal', conversationType: 'personal', tenantId: T },
  channelData: { tenant: { id: T } },
};
const turnOf = (a: unknown) => readTurn({ activity: a } as TurnContext);

describe('readTurn', () => {
  it('takes the tenant Teams sets in channelData.tenant.id', () => {
    assert.deepEqual(turnOf(activity)?.user, { tenantId: T, userId: 'user-1', name: 'Nina' });
    assert.equal(turnOf({ ...activity, conversation: { ...activity.conversation, tenantId: undefined } })?.user.tenantId, T);
  });

  it('never falls back to conversation.tenantId', () => {
    assert.equal(turnOf({ ...activity, channelData: {} }), undefined);
    assert.equal(turnOf({ ...activity, channelData: undefined }), undefined);
  });
});
