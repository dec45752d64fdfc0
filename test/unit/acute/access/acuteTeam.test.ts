import { strict as assert } from 'node:assert';
import type { CloudAdapter } from 'botbuilder';
import { ConfiguredAcuteTeam, MEMBERSHIP_TTL_MS } from '../../../../src/acute/access/acuteTeam';
import { silentLogger } from '../../../../src/platform/logger';

const noAdapter = {} as CloudAdapter;
const team = (o: { groupId?: string; openWhenUnset: boolean }, now: () => number = () => 0) =>
  new ConfiguredAcuteTeam({ ...o, proactive: noAdapter, botAppId: '', logger: silentLogger, now });

describe('the acute team', () => {
  it('unset: everyone locally, nobody in production', async () => {
    assert.equal(await team({ openWhenUnset: true }).isMember('t', { userId: 'u' }, 'https://s/'), true);
    assert.equal(await team({ openWhenUnset: false }).isMember('t', { userId: 'u' }, 'https://s/'), false);
  });

  it('an Entra group without Graph lets nobody post (config refuses that combination anyway)', async () => {
    assert.equal(await team({ groupId: 'g', openWhenUnset: true }).isMember('t', { userId: 'u' }, 'https://s/'), false);
  });

  it('reuses an answer for two minutes per tenant and user, then asks again', async () => {
    let now = 0;
    const t = team({ openWhenUnset: true }, () => now);
    let asked = 0;
    const ask = (t as unknown as { ask: () => Promise<boolean> }).ask.bind(t);
    (t as unknown as { ask: () => Promise<boolean> }).ask = async () => (asked++, ask());
    await t.isMember('t', { userId: 'u' }, 's');
    await t.isMember('t', { userId: 'u' }, 's');
    await t.isMember('t2', { userId: 'u' }, 's');
    assert.equal(asked, 2);
    now = MEMBERSHIP_TTL_MS + 1;
    await t.isMember('t', { userId: 'u' }, 's');
    assert.equal(asked, 3);
  });
});
