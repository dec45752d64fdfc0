/**
 * Coordinator handover at the Bot Framework activity level (the real bot, the
 * real Cosmos client on the embedded server, the loopback connector), three
 * users: Nina (the organiser, standing in as coordinator) asks Ole; Ole's card
 * arrives through the outbox; a decline changes nothing and tells Nina; an
 * accept moves the role (ETag), writes the plan's history and the audit trail,
 * and tells the network. Forged and stale cards are refused, audited, and
 * change nothing. Also: the escalation contacts an administrator sets.
 */
import { strict as assert } from 'node:assert';
import type { AuditEntry } from '../../../../src/platform/audit/audit';
import { CosmosAuditLog } from '../../../../src/platform/audit/auditRepository';
import { coordinatorUserId } from '../../../../src/plans/domain/agreements';
import type { CarePlan } from '../../../../src/plans/domain/carePlan';
import { CosmosPlanStore } from '../../../../src/plans/storage/planRepository';
import { CosmosFollowUpStore } from '../../../../src/deviations/followUp/storage/followUpRepository';
import { EscalationContacts } from '../../../../src/deviations/followUp/domain/escalation';
import { systemEnvironment } from '../../../../src/platform/environment';
import { planReference } from '../../../../src/plans/domain/carePlan';
import { KARI, cardsTo, planWithNetwork, waitFor, type Card } from '../../../support/planScenario';
import { NINA, OLE, TENANT, TestBot, TestUser, actionData, cardsOf, textOf } from '../../../support/testBot';

const ADMIN: TestUser = { aadObjectId: '00000000-0000-4000-8000-00000000d0d0', name: 'Anna Admin', tenantId: TENANT };
const UNIT_MANAGER = '00000000-0000-4000-8000-00000000e0e0';

describe('coordinator handover and escalation contacts (activity level)', function () {
  this.timeout(90_000);
  let bot: TestBot;
  let planId: string;

  const plans = () => new CosmosPlanStore(bot.bot!.store.containers.plans!);
  const stored = async (): Promise<CarePlan> => (await plans().get(TENANT, planId))!;
  const trail = async (): Promise<AuditEntry[]> => new CosmosAuditLog(bot.bot!.store.containers.audit!).listForPlan(TENANT, planId);
  const execute = async (user: TestUser, data: Record<string, unknown>): Promise<Card> => {
    const answer = await bot.execute(user, 'followUp', data);
    assert.equal(answer.status, 200, JSON.stringify(answer.raw));
    return answer.card as Card;
  };
  const askCards = () => cardsTo(bot, OLE).filter((c) => textOf(c).includes('Vil du være koordinator?'));
  /** Nina asks Ole through the command and the pick card; resolves with the card Ole receives. */
  const ninaAsksOle = async (): Promise<Card> => {
    const before = askCards().length;
    const [pick] = cardsOf(await bot.say(NINA, 'overdrag koordinator'));
    assert.match(textOf(pick), /Overdrag koordinatorrollen/);
    const ole = (await stored()).contacts.find((c) => c.teamsUserId === OLE.aadObjectId)!;
    const sent = await execute(NINA, { ...actionData(pick, 'handoverAsk'), contactId: ole.id });
    assert.match(textOf(sent), /Forespørgslen er sendt til Ole Bostøtte/);
    return waitFor('the request on Ole\'s card', () => askCards()[before]);
  };

  beforeEach(async () => {
    bot = await new TestBot(undefined, { env: { ESCALATION_ADMIN_IDS: ADMIN.aadObjectId } }).start();
    await planWithNetwork(bot);
    const [summary] = await plans().listForMember(TENANT, NINA.aadObjectId, { limit: 1 });
    planId = summary!.id;
  });
  afterEach(async () => bot.stop());

  it('a decline changes nothing and tells the coordinator; an accept moves the role, is in the history and the audit, and tells the network', async () => {
    assert.equal(coordinatorUserId(await stored()), NINA.aadObjectId, 'the organiser stands in');
    const card = await ninaAsksOle();
    assert.equal(coordinatorUserId(await stored()), NINA.aadObjectId, 'nothing changes before an answer');

    const declined = await execute(OLE, actionData(card, 'handoverDecline'));
    assert.match(textOf(declined), /Du har sagt nej tak/);
    await waitFor('Nina told of the decline', () => cardsTo(bot, NINA).find((c) => /har sagt nej tak til at overtage koordinatorrollen/.test(textOf(c))));
    assert.equal((await stored()).agreements?.coordinator, undefined, 'a decline changes nothing');
    const again = await execute(OLE, actionData(card, 'handoverAccept'));
    assert.match(textOf(again), /gælder ikke længere/, 'a declined request cannot be accepted afterwards');

    const second = await ninaAsksOle();
    const accepted = await execute(OLE, actionData(second, 'handoverAccept'));
    assert.match(textOf(accepted), /Du er nu koordinator for planen KIP-/);
    const plan = await stored();
    assert.equal(coordinatorUserId(plan), OLE.aadObjectId);
    assert.equal(plan.contacts.find((c) => c.id === plan.agreements!.coordinator!.contactId)!.name, 'Ole Bostøtte');
    assert.equal(plan.history![0]!.kind, 'coordinatorChanged');
    assert.equal(plan.history![0]!.by.userId, OLE.aadObjectId);
    const changed = (await trail()).filter((e) => e.action === 'plan.changed' && e.details?.change === 'coordinatorChanged');
    assert.equal(changed.length, 1);
    assert.equal(changed[0]!.actorId, OLE.aadObjectId);
    for (const member of [NINA, KARI]) {
      await waitFor(`${member.name} told`, () => cardsTo(bot, member).find((c) => /Ole Bostøtte er nu koordinator for planen/.test(textOf(c))));
    }

    // A repeated accept (Teams re-sends a slow click) changes nothing more.
    await execute(OLE, actionData(second, 'handoverAccept'));
    assert.equal((await stored()).history!.filter((h) => h.kind === 'coordinatorChanged').length, 1);
    // The plan card shows the coordinator; Nina no longer may hand over.
    const [shown] = cardsOf(await bot.say(NINA, 'vis plan')).filter((c) => textOf(c).includes('Koordinator'));
    assert.match(textOf(shown), /Koordinator: Ole Bostøtte/);
    assert.doesNotMatch(JSON.stringify(shown), /handoverPick/, 'only the coordinator has the button');
    const refused = await execute(NINA, { action: 'handoverPick', planId });
    assert.match(textOf(refused), /Kun planens koordinator/);
  });

  it('the second coordinator: Nina asks Kari from the plan card, Kari accepts; Nina stays coordinator; the network is told', async () => {
    const [planCard] = cardsOf(await bot.say(NINA, 'vis plan')).filter((c) => textOf(c).includes('Vælg 2. koordinator'));
    assert.ok(planCard, 'the coordinator has the button on the plan card');
    const pick = await execute(NINA, actionData(planCard, 'handoverPick', (d) => d.role === 'secondCoordinator'));
    assert.match(textOf(pick), /Vælg 2\. koordinator/);
    const kari = (await stored()).contacts.find((c) => c.teamsUserId === KARI.aadObjectId)!;
    await execute(NINA, { ...actionData(pick, 'handoverAsk'), contactId: kari.id });
    const ask = await waitFor('the request on Kari\'s card', () => cardsTo(bot, KARI).find((c) => textOf(c).includes('Vil du være 2. koordinator?')));
    assert.match(textOf(await execute(KARI, actionData(ask, 'handoverAccept'))), /Du er nu 2\. koordinator/);
    const plan = await stored();
    assert.equal(plan.agreements!.secondCoordinator!.contactId, kari.id);
    assert.equal(coordinatorUserId(plan), NINA.aadObjectId);
    assert.equal(plan.history![0]!.kind, 'secondCoordinatorChanged');
    await waitFor('Ole told', () => cardsTo(bot, OLE).find((c) => /Kari Jensen er nu 2\. koordinator/.test(textOf(c))));
    // A second-coordinator card cannot be replayed as a coordinator handover.
    assert.match(textOf(await execute(KARI, { ...actionData(ask, 'handoverAccept'), role: 'coordinator' })), /gælder ikke længere/);
    assert.equal(coordinatorUserId(await stored()), NINA.aadObjectId);
  });

  it('a request Teams refuses to deliver (Ole blocked the bot) is withdrawn and Nina is told; his card would be stale', async () => {
    bot.connector.refused.add(`a:personal-${OLE.aadObjectId}`);
    const [pick] = cardsOf(await bot.say(NINA, 'overdrag koordinator'));
    const ole = (await stored()).contacts.find((c) => c.teamsUserId === OLE.aadObjectId)!;
    await execute(NINA, { ...actionData(pick, 'handoverAsk'), contactId: ole.id });
    await waitFor('Nina told', () => cardsTo(bot, NINA).find((c) => /kunne ikke leveres til Ole Bostøtte/.test(textOf(c))), 30_000);
    assert.equal(coordinatorUserId(await stored()), NINA.aadObjectId);
    const [again] = cardsOf(await bot.say(NINA, 'overdrag koordinator'));
    assert.doesNotMatch(textOf(again), /Venter på svar/, 'no request is waiting any more');
  });

  it('forged and stale cards are refused, audited, and change nothing', async () => {
    const first = await ninaAsksOle();
    const second = await ninaAsksOle();
    const denialsBefore = (await trail()).filter((e) => e.action === 'access.denied').length;

    // Kari (in the network) presses Ole's card; Mallory (outside it) tries too; Ole presses the older card.
    assert.match(textOf(await execute(KARI, actionData(second, 'handoverAccept'))), /ikke til dig/);
    const MALLORY: TestUser = { aadObjectId: '00000000-0000-4000-8000-00000000c003', name: 'Mallory', tenantId: TENANT };
    assert.match(textOf(await execute(MALLORY, actionData(second, 'handoverAccept'))), /ikke til dig/);
    assert.match(textOf(await execute(OLE, actionData(first, 'handoverAccept'))), /gælder ikke længere/);
    // Kari forges a request to herself as if she were the coordinator.
    const plan0 = await stored();
    const kari = plan0.contacts.find((c) => c.teamsUserId === KARI.aadObjectId)!;
    assert.match(textOf(await execute(KARI, { action: 'handoverAsk', planId, contactId: kari.id })), /Kun planens koordinator/);
    // Through the command with a reference: Kari is not the coordinator; an unknown reference says so.
    assert.match(textOf(cardsOf(await bot.say(KARI, `overdrag koordinator ${plan0.reference.toLowerCase()}`))[0]), /Kun planens koordinator/);
    assert.match(textOf(cardsOf(await bot.say(NINA, 'hand over coordinator KIP-0000-0000'))[0]), /Planen findes ikke/);
    assert.match(textOf(cardsOf(await bot.say(NINA, `overdrag koordinator ${plan0.reference}`))[0]), /Ole Bostøtte/);
    // Broken data.
    assert.match(textOf(await execute(OLE, { action: 'handoverAccept', planId })), /ændret|changed/i);

    const plan = await stored();
    assert.equal(coordinatorUserId(plan), NINA.aadObjectId, 'nothing changed');
    const denials = (await trail()).filter((e) => e.action === 'access.denied').slice(denialsBefore);
    assert.deepEqual(denials.map((e) => [e.actorId, e.details?.reason]).sort(), [
      [KARI.aadObjectId, 'notCoordinator'],
      [KARI.aadObjectId, 'notCoordinator'],
      [KARI.aadObjectId, 'notInvited'],
      [MALLORY.aadObjectId, 'notMember'],
      [OLE.aadObjectId, 'stale'],
    ].sort());

    // The current card still works.
    await execute(OLE, actionData(second, 'handoverAccept'));
    assert.equal(coordinatorUserId(await stored()), OLE.aadObjectId);
  });

  it('escalation contacts: an administrator sets them per organisation, others cannot; the directory matches organisations case-insensitively', async () => {
    const refused = cardsOf(await bot.say(NINA, 'eskaleringskontakter'));
    assert.match(textOf(refused[0]), /Kun en administrator/);
    assert.match(textOf(await execute(NINA, { action: 'escalationAdd', organisation: 'Slagelse Kommune', userId: UNIT_MANAGER, name: 'Ulla Enhedsleder' })), /Kun en administrator/);

    const [card] = cardsOf(await bot.say(ADMIN, 'eskaleringskontakter'));
    assert.match(textOf(card), /Ingen eskaleringskontakter endnu/);
    const saved = await execute(ADMIN, { ...actionData(card, 'escalationAdd'), organisation: ' Slagelse  Kommune ', userId: UNIT_MANAGER.toUpperCase(), name: 'Ulla Enhedsleder' });
    assert.match(textOf(saved), /Slagelse Kommune\*\* – Ulla Enhedsleder/);
    const invalid = await execute(ADMIN, { ...actionData(card, 'escalationAdd'), organisation: 'Psykiatrien Vest', userId: 'not-an-id', name: '' });
    assert.match(textOf(invalid), /Udfyld organisation, objekt-id/);

    const directory = new EscalationContacts(new CosmosFollowUpStore(bot.bot!.store.containers.followUps!), [], systemEnvironment(planReference));
    assert.deepEqual(await directory.contactsFor(TENANT, ['slagelse kommune', 'Psykiatrien Vest']), [{ userId: UNIT_MANAGER, name: 'Ulla Enhedsleder' }]);
    assert.deepEqual(await directory.contactsFor(TENANT, ['Psykiatrien Vest']), []);
    assert.deepEqual(await directory.contactsFor('another-tenant', ['Slagelse Kommune']), []);

    const removed = await execute(ADMIN, actionData(saved, 'escalationRemove'));
    assert.match(textOf(removed), /Ingen eskaleringskontakter endnu/);
    assert.deepEqual(await directory.contactsFor(TENANT, ['Slagelse Kommune']), []);
  });
});
