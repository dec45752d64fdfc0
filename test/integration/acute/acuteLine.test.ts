/**
 * The acute line at the Bot Framework activity level (the real bot, the embedded
 * Cosmos store, the connector fake): registering a unit's acute channel (owners,
 * standard channels only), who may post, the channel post with the on-call tag's
 * mention and live acknowledgements for everyone and the nurse, "Åbn planen"
 * only for the plan's network, escalation once with two schedulers, help
 * requests that exactly one of ten takes – and no channel post that names the citizen.
 */
import { strict as assert } from 'node:assert';
import { CosmosAuditLog } from '../../../src/platform/audit/auditRepository';
import { CosmosJobStore, Scheduler } from '../../../src/platform/scheduler/scheduler';
import { silentLogger } from '../../../src/platform/logger';
import { NINA, OLE, TENANT, TestBot, actionData, cardsOf, inChatOf, textOf } from '../../support/testBot';
import { CITIZEN, MOTHER, planWithNetwork } from '../../support/planScenario';
import { TestClock } from '../../support/schedulerFakes';
import {
  ACUTE_NURSES, ACUTE_TEAM_CHANNEL, LIS, PER, PRIVATE_CHANNEL, UNIT_CHANNEL, UNIT_TEAM, channelFields, clickInChannel, inChannel, sayInChannel, waitUntil,
} from '../../support/acuteScenario';

type Card = Record<string, unknown>;

describe('acute line (activity level)', function () {
  this.timeout(60_000);
  let bot: TestBot;
  let unitId: string;
  let reference: string;

  const audit = () => new CosmosAuditLog(bot.bot!.store.containers.audit!);
  const channelCards = (channel: string) => cardsOf(inChannel(bot, channel));
  /** New posts by the outbox into the channel itself (the bot's answers to commands go to the message's thread). */
  const channelPosts = (channel: string) => bot.connector.sent.filter((s) => s.method === 'POST' && s.conversationId === channel);

  before(async () => {
    bot = await new TestBot(undefined, { env: { ACUTE_TEAM_CHANNEL_ID: ACUTE_TEAM_CHANNEL } }).start();
    // The acute team's channel: Nina and ten nurses are members; Ole and Per are not.
    bot.connector.conversationMembers.set(ACUTE_TEAM_CHANNEL, new Set([NINA, ...ACUTE_NURSES].map((u) => `29:${u.aadObjectId}`)));
    bot.connector.teamChannels.set(UNIT_TEAM.id, [{ id: UNIT_TEAM.id, name: 'General' }, { id: UNIT_CHANNEL, name: 'Akut' }]);
    await planWithNetwork(bot);
    const { resources } = await bot.bot!.store.containers.plans!.items.query<{ reference: string }>('SELECT c.reference FROM c').fetchAll();
    reference = resources[0]!.reference;
  });
  after(async () => bot.stop());

  it('the help card names the acute commands, in Danish, English and Swedish', async () => {
    for (const [word, locale, expected] of [['hjælp', 'da-DK', /\*\*akut\*\*[\s\S]*\*\*akutkanal\*\* – skriv @Samspil akutkanal[\s\S]*\*\*ring akut\*\* – skriv @Samspil ring akut/], ['help', 'en-US', /\*\*urgent\*\*[\s\S]*\*\*acute channel\*\* – type @Samspil acute channel[\s\S]*\*\*call acute\*\*/], ['hjälp', 'sv-SE', /\*\*akut\*\*[\s\S]*boendes akutkanal[\s\S]*\*\*ring akut\*\*/]] as const) {
      const [card] = cardsOf(await bot.say(NINA, word, locale));
      assert.match(JSON.stringify(card), expected, locale);
    }
  });

  it('added to a team, says how an owner registers a channel', async () => {
    const res = await bot.post({ ...bot.activityFrom(OLE), ...channelFields(UNIT_TEAM.id), type: 'conversationUpdate', membersAdded: [{ id: '28:samspil-bot' }] });
    assert.ok(res.status < 300);
    await waitUntil('the hint', () => cardsOf(inChannel(bot, UNIT_TEAM.id)).some((c) => /@Samspil akutkanal i den kanal/.test(textOf(c))));
  });

  it('refuses a private channel, said by Teams or found missing from the team’s channel list, with an audit entry', async () => {
    const said = cardsOf(await sayInChannel(bot, OLE, 'akutkanal', PRIVATE_CHANNEL, { type: 'private' }));
    assert.match(textOf(said[0]), /privat kanal kan ikke være akutkanal/);
    const unlisted = cardsOf(await sayInChannel(bot, OLE, 'akutkanal', PRIVATE_CHANNEL));
    assert.match(textOf(unlisted[0]), /privat kanal/);
    const click = await clickInChannel(bot, OLE, 'acute', { action: 'register', name: 'Smuglet' }, PRIVATE_CHANNEL);
    assert.match(textOf(click.card), /privat kanal/);
    const units = cardsOf(await bot.say(NINA, 'akutkanaler'));
    assert.doesNotMatch(textOf(units[0]), /Smuglet/);
    const entries = await audit().listForPlan(TENANT, 'acute:register');
    assert.ok(entries.filter((e) => e.action === 'access.denied' && e.details?.reason === 'privateChannel').length >= 2);
  });

  it('refuses a guest, and registers a standard channel for an owner with the on-call tag, the manager and the escalation time', async () => {
    bot.connector.userRoles.set(`29:${PER.aadObjectId}`, 'guest');
    bot.connector.members.set(`29:${PER.aadObjectId}`, { id: `29:${PER.aadObjectId}`, name: PER.name, aadObjectId: PER.aadObjectId, email: 'per@lyngen.example', userPrincipalName: 'per@lyngen.example' });
    assert.match(textOf(cardsOf(await sayInChannel(bot, PER, 'akutkanal', UNIT_CHANNEL))[0]), /Gæster kan ikke/);
    bot.connector.userRoles.delete(`29:${PER.aadObjectId}`);

    const [form] = cardsOf(await sayInChannel(bot, OLE, 'akutkanal', UNIT_CHANNEL));
    assert.match(textOf(form), /Akutkanal for et bosted/);
    const wrong = await clickInChannel(bot, OLE, 'acute', { ...actionData(form, 'register'), name: 'Bostedet Lyngen', tagId: 'tag-nattevagt', escalationMinutes: '0' }, UNIT_CHANNEL);
    assert.match(textOf(wrong.card), /Udfyld både id og navn/);
    assert.match(textOf(wrong.card), /mellem 1 og 240/);
    const done = await clickInChannel(bot, OLE, 'acute', {
      ...actionData(form, 'register'), name: 'Bostedet Lyngen', tagId: 'tag-nattevagt', tagName: 'Nattevagt', managerId: LIS.aadObjectId, managerName: LIS.name, escalationMinutes: '10',
    }, UNIT_CHANNEL);
    assert.match(textOf(done.card), /registreret som akutkanal for Bostedet Lyngen/);
    const [list] = cardsOf(await bot.say(NINA, 'akutkanaler'));
    assert.match(textOf(list), /Bostedet Lyngen – eskalering efter 10 min/);
    unitId = String(actionData(cardsOf(await sayInChannel(bot, OLE, 'akutkanaler', UNIT_CHANNEL))[0], 'remove').unitId);
  });

  it('lets only the acute team post: anyone else gets a clear answer and an access.denied entry', async () => {
    const [answer] = cardsOf(await bot.say(OLE, 'akut'));
    assert.match(textOf(answer), /Kun akutteamet kan sende akutte beskeder/);
    const forged = await bot.execute(OLE, 'acute', { action: 'post', formId: 'forged-1', units: 'all', text: 'Falsk', urgency: 'urgent' });
    assert.match(textOf(forged.card), /Kun akutteamet/);
    const denied = (await audit().listForPlan(TENANT, 'acute:team')).filter((e) => e.action === 'access.denied' && e.actorId === OLE.aadObjectId);
    assert.ok(denied.length >= 2);
    assert.ok(denied.every((e) => e.details?.reason === 'notAcuteTeam'));
    assert.equal(inChannel(bot, UNIT_CHANNEL).filter((s) => JSON.stringify(s.activity).includes('Falsk')).length, 0);
  });

  let messageId = '';
  it('posts to the unit’s channel with the on-call tag mentioned; acknowledgements update the channel card and the nurse’s status card', async () => {
    const [compose] = cardsOf(await bot.say(NINA, 'akut'));
    assert.match(textOf(compose), /Bostedet Lyngen/);
    const data = { ...actionData(compose, 'post'), units: unitId, text: 'Ring til akutteamet inden kl. 22 om aftenens medicin.', urgency: 'urgent', whatToDo: 'Tjek at medicinen er taget', planReference: reference.toLowerCase() };
    const before = bot.connector.sent.length;
    const sent = await bot.execute(NINA, 'acute', data);
    assert.match(textOf(sent.card), /Sendt til 1 bosted/);
    // The same card clicked again (a double click, a retried activity): one post.
    await bot.execute(NINA, 'acute', data);
    await waitUntil('the channel post and the status card', () => inChannel(bot, UNIT_CHANNEL).length >= 1 && inChatOf(NINA, bot.connector.sent.slice(before)).length >= 1);
    await new Promise((r) => setTimeout(r, 300));
    const posts = channelPosts(UNIT_CHANNEL);
    assert.equal(posts.length, 1, 'one post per unit, whatever the clicks');
    const post = posts[0]!.activity.attachments![0]!.content as Card;
    assert.match(textOf(post), /AKUT fra akutteamet/);
    assert.match(textOf(post), new RegExp(reference));
    assert.match(JSON.stringify(post), /<at>Nattevagt<\/at>/);
    assert.deepEqual((post.msteams as { entities: unknown[] }).entities, [{ type: 'mention', text: '<at>Nattevagt</at>', mentioned: { id: 'tag-nattevagt', name: 'Nattevagt', type: 'tag' } }]);
    messageId = String(actionData(post, 'take').messageId);

    const putsBefore = bot.connector.sent.filter((s) => s.method === 'PUT').length;
    const taken = await clickInChannel(bot, PER, 'acute', actionData(post, 'take'), UNIT_CHANNEL);
    assert.match(textOf(taken.card), /Taget af Per Nattevagt/);
    await waitUntil('the channel card and the status card updated', () => bot.connector.sent.filter((s) => s.method === 'PUT').length >= putsBefore + 2);
    const puts = bot.connector.sent.filter((s) => s.method === 'PUT').slice(putsBefore);
    assert.ok(puts.some((s) => s.conversationId === UNIT_CHANNEL && /Taget af Per Nattevagt/.test(textOf(s.activity.attachments![0]!.content))), 'everyone in the channel sees who took it');
    assert.ok(puts.some((s) => s.conversationId === `a:personal-${NINA.aadObjectId}` && /Bostedet Lyngen[\s\S]*Taget af Per Nattevagt/.test(textOf(s.activity.attachments![0]!.content))), 'the nurse’s card shows the unit’s status');
    const seen = await clickInChannel(bot, OLE, 'acute', actionData(post, 'seen'), UNIT_CHANNEL);
    assert.match(textOf(seen.card), /Taget af Per Nattevagt[\s\S]*Set af Ole Bostøtte/);
  });

  it('twenty people pressing "Set" at the same moment are all recorded, once each', async () => {
    const post = channelPosts(UNIT_CHANNEL)[0]!.activity.attachments![0]!.content as Card;
    const staff = Array.from({ length: 20 }, (_, i) => ({ aadObjectId: `00000000-0000-4000-8000-0000000f${String(i).padStart(4, '0')}`, name: `Personale ${i + 1}`, tenantId: TENANT }));
    const answers = await Promise.all(staff.map((u) => clickInChannel(bot, u, 'acute', actionData(post, 'seen'), UNIT_CHANNEL)));
    assert.ok(answers.every((a) => a.status === 200));
    const { resources } = await bot.bot!.store.containers.acute!.items.query<{ units: { acknowledgements: { by: string }[] }[] }>({ query: 'SELECT c.units FROM c WHERE c.id = @id', parameters: [{ name: '@id', value: messageId }] }).fetchAll();
    const names = resources[0]!.units[0]!.acknowledgements.map((a) => a.by);
    assert.equal(names.filter((n) => n.startsWith('Personale ')).length, 20);
    assert.equal(new Set(names).size, names.length);
  });

  it('"Åbn planen" sends the plan to the personal chat of someone in its network, and refuses anyone else', async () => {
    const post = channelCards(UNIT_CHANNEL).find((c) => JSON.stringify(c).includes('openPlan'))!;
    const refused = await clickInChannel(bot, PER, 'acute', actionData(post, 'openPlan'), UNIT_CHANNEL);
    assert.match(textOf(refused.card), /ikke i planens netværk/);
    assert.doesNotMatch(JSON.stringify(refused.card), new RegExp(CITIZEN.name));
    const before = bot.connector.sent.length;
    const opened = await clickInChannel(bot, OLE, 'acute', actionData(post, 'openPlan'), UNIT_CHANNEL);
    assert.match(textOf(opened.card), /sendt til din chat/);
    await waitUntil('the plan in Ole’s chat', () => inChatOf(OLE, bot.connector.sent.slice(before)).length > 0);
    assert.match(JSON.stringify(inChatOf(OLE, bot.connector.sent.slice(before))), new RegExp(CITIZEN.name));
    assert.equal(inChatOf(PER, bot.connector.sent).length, 0, 'the refused user gets nothing');
  });

  it('escalates an unanswered urgent post once after the unit’s time, with two schedulers racing', async () => {
    const [compose] = cardsOf(await bot.say(NINA, 'akut'));
    await bot.execute(NINA, 'acute', { ...actionData(compose, 'post'), units: unitId, text: 'Uro på bostedet – ring tilbage', urgency: 'urgent' });
    const clock = new TestClock(Date.now() + 9 * 60_000);
    const store = bot.bot!.store.containers.schedule!;
    const schedulers = [0, 1].map((i) => new Scheduler({ store: new CosmosJobStore(store, silentLogger), queue: bot.bot!.jobs, clock, logger: silentLogger, instanceId: `test-${i}` }));
    const escalations = () => channelPosts(UNIT_CHANNEL).filter((s) => /Ingen har kvitteret for den akutte besked/.test(textOf(s.activity.attachments?.[0]?.content)));
    await Promise.all(schedulers.map((s) => s.tick()));
    await new Promise((r) => setTimeout(r, 500));
    assert.equal(escalations().length, 0, 'not before its time');
    clock.set(new Date(Date.now() + 11 * 60_000).toISOString());
    await Promise.all(schedulers.map((s) => s.tick()));
    await waitUntil('the escalation post', () => escalations().length > 0);
    // The nurse's notice goes through the outbox too, in its own time (up to the outbox's poll interval): wait for it, then for any second one.
    const toldNurse = () => inChatOf(NINA, bot.connector.sent).filter((s) => /har ikke svaret på din akutte besked/.test(textOf(s.activity.attachments?.[0]?.content)));
    await waitUntil('the nurse told', () => toldNurse().length > 0);
    await Promise.all(schedulers.map((s) => s.tick()));
    await new Promise((r) => setTimeout(r, 800));
    assert.equal(escalations().length, 1, 'escalated once');
    const card = escalations()[0]!.activity.attachments![0]!.content as Card;
    assert.match(JSON.stringify(card), /<at>Lis Leder<\/at>/);
    assert.deepEqual((card.msteams as { entities: unknown[] }).entities, [{ type: 'mention', text: '<at>Lis Leder</at>', mentioned: { id: LIS.aadObjectId, name: LIS.name } }]);
    assert.equal(toldNurse().length, 1, 'the nurse is told once');
    // The first post was taken in time: it never escalates.
    assert.equal(escalations().filter((s) => JSON.stringify(s.activity).includes(messageId)).length, 0);

    // Taken from the re-post: the re-post and the first post both show who took it.
    await clickInChannel(bot, PER, 'acute', actionData(card, 'take'), UNIT_CHANNEL);
    const updated = (escalation: boolean) => inChannel(bot, UNIT_CHANNEL).some((s) => s.method === 'PUT' && /Taget af Per Nattevagt/.test(textOf(s.activity.attachments?.[0]?.content)) && /Ingen har kvitteret for den akutte besked/.test(textOf(s.activity.attachments?.[0]?.content)) === escalation && JSON.stringify(s.activity).includes(String(actionData(card, 'take').messageId)));
    await waitUntil('both cards updated', () => updated(true) && updated(false));
  });

  it('a help request from the unit goes to the acute team; of ten pressing at once exactly one owns it, the others and the unit see who', async () => {
    const [form] = cardsOf(await sayInChannel(bot, PER, 'ring akut', UNIT_CHANNEL));
    assert.match(textOf(form), /Ring akut/);
    const bad = await clickInChannel(bot, PER, 'acute', { ...actionData(form, 'helpSend'), need: 'Hjælp', urgency: 'urgent', callBack: 'ring mig' }, UNIT_CHANNEL);
    assert.match(textOf(bad.card), /Skriv et telefonnummer/);
    const receipt = await clickInChannel(bot, PER, 'acute', { ...actionData(form, 'helpSend'), need: 'Beboer meget urolig, brug for råd nu', urgency: 'urgent', callBack: '+45 70 20 30 40' }, UNIT_CHANNEL);
    assert.match(textOf(receipt.card), /Sendt til akutteamet/);
    await waitUntil('the request in the acute team’s channel', () => inChannel(bot, ACUTE_TEAM_CHANNEL).length > 0);
    const request = inChannel(bot, ACUTE_TEAM_CHANNEL)[0]!.activity.attachments![0]!.content as Card;
    assert.match(textOf(request), /Bostedet Lyngen[\s\S]*\+45 70 20 30 40/);

    const notTeam = await clickInChannel(bot, OLE, 'acute', actionData(request, 'helpTake'), ACUTE_TEAM_CHANNEL);
    assert.match(textOf(notTeam.card), /Kun akutteamet kan tage/);

    const answers = await Promise.all(ACUTE_NURSES.map((u) => clickInChannel(bot, u, 'acute', actionData(request, 'helpTake'), ACUTE_TEAM_CHANNEL)));
    const owners = answers.filter((a) => /Du har taget den/.test(textOf(a.card)));
    assert.equal(owners.length, 1, 'exactly one owner');
    const owner = /Taget af (Akut Sygeplejerske \d+)/.exec(textOf(owners[0]!.card))![1]!;
    for (const other of answers.filter((a) => a !== owners[0])) {
      assert.match(textOf(other.card), new RegExp(`allerede taget af ${owner}`));
      assert.doesNotMatch(JSON.stringify(other.card), /helpTake/, 'no button once it is taken');
    }
    await waitUntil('both copies updated', () => [ACUTE_TEAM_CHANNEL, UNIT_CHANNEL].every((c) => inChannel(bot, c).some((s) => s.method === 'PUT' && new RegExp(`Taget af ${owner}`).test(textOf(s.activity.attachments?.[0]?.content)))));
    const taken = (await audit().listForPlan(TENANT, `acute:${String(actionData(request, 'helpTake').helpId)}`)).filter((e) => e.action === 'acute.helpTaken');
    assert.equal(taken.length, 1);
  });

  it('"Ring akut" on a post opens the help form for the clicker; removal is for owners only, and a removed unit gets no posts', async () => {
    const post = channelPosts(UNIT_CHANNEL)[0]!.activity.attachments![0]!.content as Card;
    const form = await clickInChannel(bot, PER, 'acute', actionData(post, 'helpForm'), UNIT_CHANNEL);
    assert.match(textOf(form.card), /Ring akut: bed akutteamet om hjælp[\s\S]*Bostedet Lyngen/);
    // From another channel the same button is refused: the unit is the channel's own.
    const elsewhere = await clickInChannel(bot, PER, 'acute', actionData(post, 'take'), ACUTE_TEAM_CHANNEL);
    assert.match(textOf(elsewhere.card), /findes ikke længere/);

    bot.connector.userRoles.set(`29:${PER.aadObjectId}`, 'guest');
    const refused = await clickInChannel(bot, PER, 'acute', { action: 'remove', unitId }, UNIT_CHANNEL);
    assert.match(textOf(refused.card), /Gæster kan ikke/);
    bot.connector.userRoles.delete(`29:${PER.aadObjectId}`);
    const removed = await clickInChannel(bot, OLE, 'acute', { action: 'remove', unitId }, UNIT_CHANNEL);
    assert.match(textOf(removed.card), /Bostedet Lyngen er fjernet som akutkanal/);
    const [compose] = cardsOf(await bot.say(NINA, 'akut'));
    const answer = await bot.execute(NINA, 'acute', { ...actionData(compose, 'post'), units: unitId, text: 'Efter fjernelsen', urgency: 'info' });
    assert.match(textOf(answer.card), /Et af bostederne findes ikke længere/);
    assert.equal(channelPosts(UNIT_CHANNEL).filter((s) => JSON.stringify(s.activity).includes('Efter fjernelsen')).length, 0);
  });

  it('no channel post or update ever names the citizen or holds their data', () => {
    const channelTraffic = bot.connector.sent.filter((s) => s.conversationId.startsWith('19:'));
    assert.ok(channelTraffic.length >= 6);
    const json = JSON.stringify(channelTraffic);
    for (const value of [CITIZEN.name, 'Jens', CITIZEN.address, CITIZEN.dateOfBirth, CITIZEN.needs, CITIZEN.dreams, MOTHER.name, MOTHER.phone]) {
      assert.ok(!json.includes(value), `a channel post holds "${value}"`);
    }
  });
});
