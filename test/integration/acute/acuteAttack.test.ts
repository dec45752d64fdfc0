/**
 * The acute line under attack at the Bot Framework activity level: forged card
 * payloads (another team's unit, another tenant, a help request clicked from the
 * wrong place, wrong types and oversized fields). Each gets a clear Danish answer,
 * changes nothing, is audited, and no answer outside the acute team's channel
 * carries a help request's text; the logs carry ids and codes only.
 */
import { strict as assert } from 'node:assert';
import { CosmosAuditLog } from '../../../src/platform/audit/auditRepository';
import { NINA, OLE, TENANT, TestBot, type TestUser, actionData, cardsOf, textOf } from '../../support/testBot';
import { recordingLogger } from '../../support/schedulerFakes';
import {
  ACUTE_NURSES, ACUTE_TEAM_CHANNEL, OTHER_CHANNEL, OTHER_TEAM, PER, UNIT_CHANNEL, UNIT_TEAM, channelFields, clickInChannel, inChannel, sayInChannel, waitUntil,
} from '../../support/acuteScenario';

type Card = Record<string, unknown>;
const NEED = 'Beboer truer med at skade sig selv';
const TEXT = 'Ring til akutteamet om aftenens medicin';

describe('acute line under attack (activity level)', function () {
  this.timeout(60_000);
  let bot: TestBot;
  const log = recordingLogger();
  let lyngen = '';
  let other = '';
  let post: Card;
  let request: Card;

  const audit = () => new CosmosAuditLog(bot.bot!.store.containers.audit!);
  const denied = async (target: string, reason: string) => (await audit().listForPlan(TENANT, `acute:${target}`)).filter((e) => e.action === 'access.denied' && e.details?.reason === reason);
  const register = async (user: TestUser, channel: string, team: typeof UNIT_TEAM, name: string, extra: Record<string, string> = {}) => {
    const [form] = cardsOf(await sayInChannel(bot, user, 'akutkanal', channel, { team, type: 'standard' }));
    assert.ok(JSON.stringify(form).includes('"id":"personId"'), 'the form asks for an on-call person');
    const done = await clickInChannel(bot, user, 'acute', { ...actionData(form, 'register'), name, escalationMinutes: '10', ...extra }, channel, { team });
    assert.match(textOf(done.card), /registreret som akutkanal/);
  };

  before(async () => {
    bot = await new TestBot(undefined, { env: { ACUTE_TEAM_CHANNEL_ID: ACUTE_TEAM_CHANNEL }, logger: log.logger }).start();
    bot.connector.conversationMembers.set(ACUTE_TEAM_CHANNEL, new Set([NINA, ...ACUTE_NURSES].map((u) => `29:${u.aadObjectId}`)));
    for (const u of [OLE, PER]) bot.connector.members.set(`29:${u.aadObjectId}`, { id: `29:${u.aadObjectId}`, name: u.name, aadObjectId: u.aadObjectId, email: `${u.aadObjectId}@x.example`, userPrincipalName: `${u.aadObjectId}@x.example` });
    bot.connector.teamChannels.set(UNIT_TEAM.id, [{ id: UNIT_CHANNEL, name: 'Akut', type: 'standard' }]);
    bot.connector.teamChannels.set(OTHER_TEAM.id, [{ id: OTHER_CHANNEL, name: 'Akut', type: 'standard' }]);
    // Ole owns Lyngen's team; Per owns another unit's team (locally every non-guest member counts as an owner).
    await register(OLE, UNIT_CHANNEL, UNIT_TEAM, 'Bostedet Lyngen');
    await register(PER, OTHER_CHANNEL, OTHER_TEAM, 'Bostedet Skoven', { personId: PER.aadObjectId, personName: PER.name });
    const [list] = cardsOf(await bot.say(NINA, 'akutkanaler'));
    assert.match(textOf(list), /Bostedet Lyngen[\s\S]*Bostedet Skoven/);
    const [compose] = cardsOf(await bot.say(NINA, 'akut'));
    const units = (compose.body as unknown[]) && JSON.stringify(compose);
    lyngen = /"title":"Bostedet Lyngen","value":"([^"]+)"/.exec(units)![1]!;
    other = /"title":"Bostedet Skoven","value":"([^"]+)"/.exec(units)![1]!;
    await bot.execute(NINA, 'acute', { ...actionData(compose, 'post'), units: lyngen, text: TEXT, urgency: 'urgent' });
    // Skoven names an on-call person instead of a tag: its post @mentions Per.
    await bot.execute(NINA, 'acute', { ...actionData(compose, 'post'), formId: 'info-skoven', units: other, text: 'Til orientering', urgency: 'info' });
    await waitUntil('the post', () => bot.connector.sent.some((s) => s.method === 'POST' && s.conversationId === UNIT_CHANNEL));
    await waitUntil('Skoven’s post', () => bot.connector.sent.some((s) => s.method === 'POST' && s.conversationId === OTHER_CHANNEL && JSON.stringify(s.activity).includes('Til orientering')));
    const skoven = bot.connector.sent.find((s) => s.method === 'POST' && s.conversationId === OTHER_CHANNEL && JSON.stringify(s.activity).includes('Til orientering'))!.activity.attachments![0]!.content as Card;
    assert.deepEqual((skoven.msteams as { entities: unknown[] }).entities, [{ type: 'mention', text: `<at>${PER.name}</at>`, mentioned: { id: PER.aadObjectId, name: PER.name } }]);
    post = bot.connector.sent.find((s) => s.method === 'POST' && s.conversationId === UNIT_CHANNEL)!.activity.attachments![0]!.content as Card;
    const form = cardsOf(await sayInChannel(bot, OLE, 'ring akut', UNIT_CHANNEL)).find((c) => JSON.stringify(c).includes('"helpSend"'));
    await clickInChannel(bot, OLE, 'acute', { ...actionData(form, 'helpSend'), need: NEED, urgency: 'urgent', callBack: '+45 70 20 30 40' }, UNIT_CHANNEL);
    await waitUntil('the help request', () => inChannel(bot, ACUTE_TEAM_CHANNEL).length > 0);
    request = inChannel(bot, ACUTE_TEAM_CHANNEL)[0]!.activity.attachments![0]!.content as Card;
  });
  after(async () => bot.stop());

  it('an owner of another team cannot remove a unit by forging its id, and sees no remove button for it', async () => {
    // The outbox may deliver other cards meanwhile: the list is the card that names the escalation times.
    const list = cardsOf(await sayInChannel(bot, PER, 'akutkanaler', OTHER_CHANNEL, { team: OTHER_TEAM })).find((c) => /eskalering efter/.test(textOf(c)));
    assert.match(textOf(list), /Bostedet Lyngen[\s\S]*Bostedet Skoven/);
    assert.deepEqual(JSON.stringify(list).match(/"unitId":"[^"]+"/g), [`"unitId":"${other}"`], 'only the own team’s unit is removable here');
    const forged = await clickInChannel(bot, PER, 'acute', { action: 'remove', unitId: lyngen }, OTHER_CHANNEL, { team: OTHER_TEAM });
    assert.match(textOf(forged.card), /Kun teamets ejere/);
    const [after] = cardsOf(await bot.say(NINA, 'akutkanaler'));
    assert.match(textOf(after), /Bostedet Lyngen/, 'the unit is still there');
    assert.equal((await denied(lyngen, 'notTeamOwner')).length, 1);
  });

  it('a help request clicked outside the acute team’s channel shows nothing of it, changes nothing and is audited', async () => {
    const data = actionData(request, 'helpTake');
    const helpId = String(data.helpId);
    // From the unit's channel, by someone not on the acute team; and by a nurse from the wrong channel.
    for (const [user, channel] of [[PER, UNIT_CHANNEL], [ACUTE_NURSES[0]!, UNIT_CHANNEL]] as const) {
      const answer = await clickInChannel(bot, user, 'acute', data, channel);
      assert.equal(answer.status, 200);
      assert.ok(!JSON.stringify(answer.card).includes(NEED), 'the request’s text stays in the acute team’s channel');
      assert.ok(!JSON.stringify(answer.card).includes('+45 70 20 30 40'));
    }
    const inPersonal = await bot.execute(ACUTE_NURSES[1]!, 'acute', data);
    assert.ok(!JSON.stringify(inPersonal.card).includes(NEED));
    const { resources } = await bot.bot!.store.containers.acute!.items.query<{ takenBy?: unknown }>({ query: 'SELECT c.takenBy FROM c WHERE c.id = @id', parameters: [{ name: '@id', value: helpId }] }).fetchAll();
    assert.equal(resources[0]!.takenBy, undefined, 'nobody took it');
    assert.ok((await denied(helpId, 'notFound')).length >= 3);
    // An unknown help request: the same answer, audited too.
    const unknown = await clickInChannel(bot, ACUTE_NURSES[0]!, 'acute', { action: 'helpTake', helpId: 'no-such-request' }, ACUTE_TEAM_CHANNEL);
    assert.match(textOf(unknown.card), /findes ikke længere/);
    assert.equal((await denied('no-such-request', 'notFound')).length, 1);
  });

  it('a help request sent with another unit’s id from this channel is refused, audited, and reaches nobody', async () => {
    const before = inChannel(bot, ACUTE_TEAM_CHANNEL).length;
    const forged = await clickInChannel(bot, PER, 'acute', { action: 'helpSend', unitId: lyngen, formId: 'forged-help', need: 'Falsk anmodning', urgency: 'urgent', callBack: '112' }, OTHER_CHANNEL, { team: OTHER_TEAM });
    assert.match(textOf(forged.card), /ikke registreret som akutkanal/);
    const form = await clickInChannel(bot, PER, 'acute', { action: 'helpForm', unitId: lyngen }, OTHER_CHANNEL, { team: OTHER_TEAM });
    assert.match(textOf(form.card), /ikke registreret som akutkanal/);
    assert.equal((await denied(lyngen, 'notFound')).length, 2);
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(inChannel(bot, ACUTE_TEAM_CHANNEL).length, before);
  });

  it('the owner’s double click on a help request (or Teams retrying it) still says it is theirs, and takes it once', async () => {
    const nurse = ACUTE_NURSES[2]!;
    const data = actionData(request, 'helpTake');
    const first = await clickInChannel(bot, nurse, 'acute', data, ACUTE_TEAM_CHANNEL);
    const again = await clickInChannel(bot, nurse, 'acute', data, ACUTE_TEAM_CHANNEL);
    for (const answer of [first, again]) assert.match(textOf(answer.card), /Du har taget den\. Ring tilbage på \+45 70 20 30 40/);
    const other = await clickInChannel(bot, ACUTE_NURSES[3]!, 'acute', data, ACUTE_TEAM_CHANNEL);
    assert.match(textOf(other.card), new RegExp(`allerede taget af ${nurse.name}`));
    const taken = (await audit().listForPlan(TENANT, `acute:${String(data.helpId)}`)).filter((e) => e.action === 'acute.helpTaken');
    assert.equal(taken.length, 1);
  });

  it('a user of another tenant pressing a real post’s buttons changes nothing', async () => {
    const stranger: TestUser = { aadObjectId: '00000000-0000-4000-8000-00000000f0f0', name: 'Fremmed Person', tenantId: '72f988bf-0000-4000-8000-00000000ffff' };
    const fields = channelFields(UNIT_CHANNEL);
    const res = await bot.post({
      ...bot.activityFrom(stranger), ...fields,
      conversation: { ...fields.conversation, tenantId: stranger.tenantId },
      channelData: { ...fields.channelData, tenant: { id: stranger.tenantId } },
      type: 'invoke', name: 'adaptiveCard/action', replyToId: 'x1',
      value: { action: { type: 'Action.Execute', verb: 'acute', data: actionData(post, 'take') }, trigger: 'manual' },
    });
    const card = (res.body as { value?: unknown }).value;
    assert.ok(!JSON.stringify(card ?? '').includes(TEXT), 'another tenant sees nothing of the post');
    const { resources } = await bot.bot!.store.containers.acute!.items.query<{ units: { acknowledgements: unknown[] }[] }>({ query: 'SELECT c.units FROM c WHERE c.id = @id', parameters: [{ name: '@id', value: String(actionData(post, 'take').messageId) }] }).fetchAll();
    assert.equal(resources[0]!.units[0]!.acknowledgements.length, 0);
  });

  it('wrong types, oversized fields and unknown actions get the "nothing was changed" answer and an invalidPayload entry', async () => {
    const cases: Record<string, unknown>[] = [
      { action: 'take', messageId: 42, unitId: lyngen },
      { action: 'post', formId: 'f-1', units: 'all', text: 'x'.repeat(6_000), urgency: 'urgent' },
      { action: 'explode' },
      { action: 'remove', unitId: '../../etc' },
    ];
    for (const data of cases) {
      const answer = await clickInChannel(bot, NINA, 'acute', data, UNIT_CHANNEL);
      assert.match(textOf(answer.card), /Intet blev ændret|ikke ændret|kunne ikke læses/i, JSON.stringify(data).slice(0, 60));
    }
    assert.ok((await denied('card', 'invalidPayload')).length >= cases.length);
    // A message over the form's limit in a well-formed card: the form again, with the field's error, and no post.
    const [compose] = cardsOf(await bot.say(NINA, 'akut'));
    const long = await bot.execute(NINA, 'acute', { ...actionData(compose, 'post'), units: lyngen, text: 'y'.repeat(1_001), urgency: 'urgent' });
    assert.match(textOf(long.card), /1000|1\.000/);
    assert.ok(!bot.connector.sent.some((s) => JSON.stringify(s.activity).includes('y'.repeat(1_001))));
  });

  it('logs carry ids and codes, never names or the texts typed', () => {
    const all = log.lines.join('\n');
    assert.ok(log.lines.some((l) => l.includes('acute.posted')), 'the acute line logged');
    for (const value of [NEED, TEXT, OLE.name, PER.name, NINA.name, 'Bostedet Lyngen', 'Bostedet Skoven', '+45 70 20 30 40']) {
      assert.ok(!all.includes(value), `a log line holds "${value}"`);
    }
  });
});
