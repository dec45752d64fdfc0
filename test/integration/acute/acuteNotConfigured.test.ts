/**
 * The acute line in production (Bot Framework authentication on) with no acute
 * team set up (neither ACUTE_TEAM_CHANNEL_ID nor ACUTE_TEAM_GROUP_ID): nobody may
 * post, the answer says the acute team is not set up (not "only the acute team"),
 * and the refusal is audited.
 */
import { strict as assert } from 'node:assert';
import { CosmosAuditLog } from '../../../src/platform/audit/auditRepository';
import { FakeBotFrameworkIssuer } from '../../support/fakeBotFrameworkAuth';
import { NINA, TENANT, TestBot, cardsOf, textOf } from '../../support/testBot';

describe('acute line without an acute team set up (production)', function () {
  this.timeout(30_000);
  let issuer: FakeBotFrameworkIssuer;
  let bot: TestBot;

  before(async () => {
    issuer = await new FakeBotFrameworkIssuer().start();
    bot = await new TestBot(undefined, { issuer }).start();
  });
  after(async () => {
    await bot.stop();
    await issuer.stop();
  });

  it('says the acute team is not set up, posts nothing, and audits the refusal', async () => {
    const [answer] = cardsOf(await bot.say(NINA, 'akut'));
    assert.match(textOf(answer), /Akutteamet er ikke sat op i Samspil/);
    const forged = await bot.execute(NINA, 'acute', { action: 'post', formId: 'f-1', units: 'all', text: 'Hej', urgency: 'urgent' });
    assert.match(textOf(forged.card), /Akutteamet er ikke sat op/);
    const denied = (await new CosmosAuditLog(bot.bot!.store.containers.audit!).listForPlan(TENANT, 'acute:team')).filter((e) => e.action === 'access.denied' && e.details?.reason === 'notAcuteTeam');
    assert.equal(denied.length, 2);
  });
});
