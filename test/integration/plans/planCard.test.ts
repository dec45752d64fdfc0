/**
 * "vis plan" and keeping the plan current, at the Bot Framework activity level
 * with the real bot and the real Cosmos client (embedded server), several users:
 * the organiser (Nina) edits master data and the network; Ole, a colleague
 * linked by e-mail, sees the plan and corrects his own details only; a
 * non-organiser's forged edits are refused, audited, and change nothing; two
 * editors at once lose nothing.
 */
import { strict as assert } from 'node:assert';
import type { AuditEntry } from '../../../src/platform/audit/audit';
import { CosmosAuditLog } from '../../../src/platform/audit/auditRepository';
import type { CarePlan } from '../../../src/plans/domain/carePlan';
import { CosmosPlanStore } from '../../../src/plans/storage/planRepository';
import { CardAnswer, NINA, OLE, TENANT, TestBot, TestUser, actionData, cardsOf, textOf, walkGuide } from '../../support/testBot';

const today = new Date().toISOString().slice(0, 10);
const MALLORY: TestUser = { aadObjectId: '00000000-0000-4000-8000-00000000c003', name: 'Mallory', tenantId: TENANT };
type Card = Record<string, unknown>;

/** Every input's value on a card, by id, as Teams sends them with a click. */
function inputsOf(card: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (n: unknown): void => {
    if (Array.isArray(n)) return n.forEach(walk);
    if (!n || typeof n !== 'object') return;
    const o = n as Record<string, unknown>;
    if (typeof o.type === 'string' && o.type.startsWith('Input.') && typeof o.id === 'string') out[o.id] = String(o.value ?? '');
    Object.values(o).forEach(walk);
  };
  walk(card);
  return out;
}

describe('the whole plan on one card, kept current by the organiser and the contacts', function () {
  this.timeout(60_000);
  let bot: TestBot;
  let planId: string;

  const plans = () => new CosmosPlanStore(bot.bot!.store.containers.plans!);
  const stored = async (): Promise<CarePlan> => (await plans().get(TENANT, planId))!;
  const trail = async (): Promise<AuditEntry[]> => new CosmosAuditLog(bot.bot!.store.containers.audit!).listForPlan(TENANT, planId);
  const ok = (a: CardAnswer): Card => {
    assert.equal(a.status, 200);
    assert.ok(a.card, 'an answer card');
    return a.card as Card;
  };
  const click = async (user: TestUser, card: unknown, action: string, fields: Record<string, string> = {}, extra?: (d: Record<string, unknown>) => boolean) =>
    ok(await bot.execute(user, 'planCard', { ...inputsOf(card), ...actionData(card, action, extra), ...fields }));
  const showPlan = async (user: TestUser, text = 'vis plan'): Promise<Card> => {
    // The answer, not an "Er det dig?" question or a meeting card the outbox delivers meanwhile.
    const [card] = cardsOf(await bot.say(user, text)).filter((c) => !JSON.stringify(c).includes('"planLink"') && !textOf(c).startsWith('Koordinationsmøde'));
    assert.ok(card, 'a card');
    return card;
  };

  beforeEach(async () => {
    bot = await new TestBot().start();
    bot.connector.members.set(`29:${OLE.aadObjectId}`, { id: `29:${OLE.aadObjectId}`, name: OLE.name, aadObjectId: OLE.aadObjectId, email: 'ole@slagelse.example', userPrincipalName: 'ole@slagelse.example' });
    const created = await walkGuide(bot, NINA, {
      consent: { status: 'given', method: 'written', obtainedOn: today, yourRole: 'Sygeplejerske', yourOrganisation: 'Psykiatrien Vest', yourSector: 'regionPsychiatry', covers: 'shareWithNetwork,coordinationMeetings' },
      citizen: { name: 'Jens Jensen', dateOfBirth: '1990-04-12', address: 'Nørregade 1, 4200 Slagelse', preferredLanguage: 'da', dreams: 'At bo i egen lejlighed', wishes: 'At se min datter oftere', needs: 'Støtte til økonomi' },
      contacts: [
        { name: 'Ole Bostøtte', role: 'Kontaktperson', organisation: 'Slagelse Kommune', sector: 'municipality', email: 'ole@slagelse.example', phone: '+45 58 57 36 00' },
        { name: 'Dr. Hansen', role: 'Egen læge', sector: 'gp', phone: '+45 58 00 00 00' },
      ],
    });
    planId = String(actionData(created, 'show').planId);
    await bot.joinNetwork(OLE);
  });
  afterEach(async () => bot.stop());

  it('"vis plan" shows every field the guide took in, the contacts’ phone and e-mail, version 1 – and the read is audited', async () => {
    const card = await showPlan(NINA);
    // Dates in facts carry a no-break space after the day's dot (Teams' markdown would make "12. april" a list).
    const text = textOf(card).replace(/\u00a0/g, ' ');
    for (const expected of ['Jens Jensen', '12. april 1990', 'Nørregade 1, 4200 Slagelse', 'Dansk', 'At bo i egen lejlighed', 'At se min datter oftere', 'Støtte til økonomi', 'Skriftligt'.toLowerCase(), 'Deling af oplysninger med netværket', 'Koordinationsmøder', 'Nina Sygeplejerske', 'Ole Bostøtte', 'ole@slagelse.example', '+45 58 57 36 00', 'Dr. Hansen', '+45 58 00 00 00', 'Version', 'Historik', 'Version 1 oprettet', 'Møder']) {
      assert.ok(text.includes(expected), `missing ${expected}`);
    }
    const reads = (await trail()).filter((e) => e.action === 'plan.read' && e.actorId === NINA.aadObjectId && e.details?.via === 'card');
    assert.equal(reads.length, 1);
    for (const word of ['show plan', 'visa plan']) assert.match(textOf(await showPlan(NINA, word)), /Jens Jensen/);
  });

  it('"Åbn planen" on the overview card opens the same card', async () => {
    const [overview] = cardsOf(await bot.say(NINA, 'mine planer'));
    const card = ok(await bot.execute(NINA, 'planCard', actionData(overview, 'show')));
    assert.match(textOf(card), /At bo i egen lejlighed/);
    assert.match(textOf(card), /Ret stamdata/);
  });

  it('the organiser changes the address and adds a contact; the plan shows both in its history, who and when', async () => {
    let card = await showPlan(NINA);
    const form = await click(NINA, card, 'editMasterData');
    assert.match(textOf(form), /højst 2\.000 tegn/);
    card = await click(NINA, form, 'saveMasterData', { address: 'Vestergade 9, 4200 Slagelse' });
    assert.match(textOf(card), /Gemt: adresse\./);
    assert.match(textOf(card), /Vestergade 9, 4200 Slagelse/);

    const network = await click(NINA, card, 'network');
    const add = await click(NINA, network, 'newContact');
    const added = await click(NINA, add, 'addContact', { name: 'Bo Berg', role: 'Peer-medarbejder', sector: 'peerWorker', email: 'bo@peer.example', phone: '+45 20 20 20 20' });
    assert.match(textOf(added), /Bo Berg er tilføjet til netværket/);
    // A double click on the same add form adds nothing.
    const again = ok(await bot.execute(NINA, 'planCard', { ...inputsOf(add), ...actionData(add, 'addContact'), name: 'Bo Berg', role: 'Peer-medarbejder', sector: 'peerWorker' }));
    assert.match(textOf(again), /Intet var ændret/);
    assert.equal((await stored()).contacts.filter((c) => c.name === 'Bo Berg').length, 1);

    const plan = await showPlan(NINA);
    const history = textOf(plan);
    assert.ok(history.indexOf('Bo Berg tilføjet til netværket – Nina Sygeplejerske') < history.indexOf('Stamdata ændret: adresse – Nina Sygeplejerske'), 'newest first');
    assert.ok(history.indexOf('Stamdata ændret: adresse') < history.indexOf('Version 1 oprettet'));
    assert.match(history, /bo@peer\.example/);
    const changes = (await trail()).filter((e) => e.action === 'plan.changed').map((e) => [e.actorId, e.details?.change, e.details?.fields ?? '']);
    assert.deepEqual(changes, [[NINA.aadObjectId, 'masterData', 'address'], [NINA.aadObjectId, 'contactAdded', '']]);
    assert.doesNotMatch(JSON.stringify(await trail()), /Vestergade|Bo Berg|bo@peer/, 'the audit trail holds codes, no values');
  });

  it('a too-long text is an error under the field, what was typed is kept, and nothing is saved', async () => {
    const form = await click(NINA, await showPlan(NINA), 'editMasterData');
    const long = 'å'.repeat(2345);
    const answer = await click(NINA, form, 'saveMasterData', { dreams: long, name: '' });
    const text = textOf(answer);
    assert.match(text, /Højst 2\.000 tegn\./);
    assert.match(text, /Skal udfyldes\./);
    assert.ok(text.includes(long), 'the whole text comes back to be shortened, never cut');
    assert.equal((await stored()).citizen.dreams, 'At bo i egen lejlighed');
  });

  it('Ole sees the plan and corrects his own details only; his forged edits are refused, audited, and change nothing', async () => {
    const card = await showPlan(OLE);
    assert.match(textOf(card), /Jens Jensen/);
    assert.doesNotMatch(textOf(card), /Ret stamdata|Ret netværket/, 'no organiser buttons for Ole');
    const before = await stored();

    // Forged: Nina's buttons replayed by Ole.
    const ninasCard = await showPlan(NINA);
    const ninasForm = await click(NINA, ninasCard, 'editMasterData');
    const network = await click(NINA, ninasCard, 'network');
    const forged = [
      await bot.execute(OLE, 'planCard', actionData(ninasCard, 'editMasterData')),
      await bot.execute(OLE, 'planCard', { ...inputsOf(ninasForm), ...actionData(ninasForm, 'saveMasterData'), address: 'Forfalsket 1' }),
      await bot.execute(OLE, 'planCard', actionData(ninasCard, 'network')),
      await bot.execute(OLE, 'planCard', { action: 'addContact', planId, formId: '11111111-1111-4111-8111-111111111111', name: 'Falsk', role: 'X', sector: 'other' }),
      await bot.execute(OLE, 'planCard', { action: 'removeContact', planId, contactId: before.contacts[2]!.id }),
      await bot.execute(OLE, 'planCard', { ...actionData(network, 'editContact', (d) => d.contactId === before.contacts[0]!.id), action: 'saveContact', name: 'Nina', role: 'Falsk', sector: 'other' }),
      await bot.execute(MALLORY, 'planCard', { action: 'show', planId }),
    ];
    for (const answer of forged) assert.match(textOf(answer.card), /Du har ikke adgang/);
    for (const answer of forged) assert.doesNotMatch(JSON.stringify(answer.card), /Jens Jensen|Nørregade/);
    const after = await stored();
    assert.deepEqual({ ...after, version: 0 }, { ...before, version: 0 }, 'nothing changed');
    assert.equal(after.version, before.version, 'not even a write');
    const denied = (await trail()).filter((e) => e.action === 'access.denied').map((e) => e.actorId);
    assert.deepEqual(denied, [...Array(6).fill(OLE.aadObjectId), MALLORY.aadObjectId]);

    // His own details: "Ret mine oplysninger" – the sector is not his to change, even forged.
    const own = await click(OLE, card, 'editContact');
    assert.match(textOf(own), /Ret dine oplysninger/);
    assert.match(textOf(own), /Sektor: Kommune/);
    const saved = await click(OLE, own, 'saveContact', { phone: '+45 11 11 11 11', sector: 'relative' });
    assert.match(textOf(saved), /Gemt: telefon\./);
    const ole = (await stored()).contacts.find((c) => c.teamsUserId === OLE.aadObjectId)!;
    assert.deepEqual([ole.phone, ole.sector], ['+45 11 11 11 11', 'municipality']);
    assert.match(textOf(await showPlan(NINA)), /Ole Bostøtte rettede egne oplysninger: telefon – Ole Bostøtte/);
  });

  it('two editors at once lose nothing: two open master data cards save different fields, both kept', async () => {
    const card = await showPlan(NINA);
    const a = await click(NINA, card, 'editMasterData');
    const b = await click(NINA, card, 'editMasterData');
    await Promise.all([
      click(NINA, a, 'saveMasterData', { address: 'Vestergade 9' }),
      click(NINA, b, 'saveMasterData', { needs: 'Hjælp til at sove' }),
    ]);
    const plan = await stored();
    assert.equal(plan.citizen.address, 'Vestergade 9');
    assert.equal(plan.citizen.needs, 'Hjælp til at sove');
    assert.equal(plan.citizen.dreams, 'At bo i egen lejlighed');
    // The same field from a stale card: not overwritten, and the card says who changed it.
    const stale = await click(NINA, b, 'saveMasterData', { address: 'Østergade 2' });
    assert.match(textOf(stale), /Ændret af Nina Sygeplejerske, mens du skrev/);
    assert.equal((await stored()).citizen.address, 'Vestergade 9');
    const resaved = await click(NINA, stale, 'saveMasterData');
    assert.match(textOf(resaved), /Gemt: adresse/);
    assert.equal((await stored()).citizen.address, 'Østergade 2');
  });

  it('removing a contact asks first; then they leave the network and no longer see the plan; the creator cannot be removed', async () => {
    const network = await click(NINA, await showPlan(NINA), 'network');
    const plan = await stored();
    const oleId = plan.contacts.find((c) => c.teamsUserId === OLE.aadObjectId)!.id;
    const oleCard = await click(NINA, network, 'editContact', {}, (d) => d.contactId === oleId);
    assert.match(textOf(oleCard), /Fjern Ole Bostøtte fra netværket\? Ole Bostøtte kan så ikke længere se planen/);
    const removed = ok(await bot.execute(NINA, 'planCard', actionData(oleCard, 'removeContact')));
    assert.match(textOf(removed), /Ole Bostøtte er fjernet fra netværket/);
    assert.match(textOf(await showPlan(OLE)), /ikke med i nogen planer/);
    const nina = await click(NINA, network, 'editContact', {}, (d) => d.contactId === plan.contacts[0]!.id);
    assert.doesNotMatch(JSON.stringify(nina), /removeContact/);
    const forged = await bot.execute(NINA, 'planCard', { action: 'removeContact', planId, contactId: plan.contacts[0]!.id });
    assert.match(textOf(forged.card), /Du har ikke adgang/);
    assert.equal((await stored()).contacts[0]!.teamsUserId, NINA.aadObjectId);
  });

  it('"vis plan KIP-…" opens that plan; a reference of somebody else’s plan gets the same answer as one that does not exist', async () => {
    const { reference } = await stored();
    assert.match(textOf(await showPlan(NINA, `vis plan ${reference.toLowerCase()}`)), /Jens Jensen/);
    const theirs = textOf(await showPlan(MALLORY, `vis plan ${reference}`));
    const none = textOf(await showPlan(MALLORY, 'vis plan KIP-ZZZZ-ZZZZ'));
    assert.equal(theirs.replace(reference, 'REF'), none.replace('KIP-ZZZZ-ZZZZ', 'REF'));
    assert.doesNotMatch(theirs, /Jens/);
    assert.ok((await trail()).some((e) => e.action === 'access.denied' && e.actorId === MALLORY.aadObjectId));
  });

  it('with several plans, "vis plan" asks which; the answer opens it', async () => {
    await walkGuide(bot, NINA, {
      consent: { status: 'given', method: 'verbal', obtainedOn: today, yourRole: 'Sygeplejerske', yourOrganisation: 'Psykiatrien Vest', yourSector: 'regionPsychiatry', covers: 'shareWithNetwork' },
      citizen: { name: 'Karen Karlsen', dateOfBirth: '1970-01-01', preferredLanguage: 'da', needs: 'Ro' },
      contacts: [{ name: 'Per', role: 'Bostøtte', sector: 'municipality' }],
    });
    const pick = await showPlan(NINA);
    assert.match(textOf(pick), /Hvilken plan\?/);
    assert.match(textOf(pick), /Jens Jensen/);
    assert.match(textOf(pick), /Karen Karlsen/);
    const opened = ok(await bot.execute(NINA, 'planCard', actionData(pick, 'show', (d) => d.planId === planId)));
    assert.match(textOf(opened), /At bo i egen lejlighed/);
  });

  it('the plan card lists the meeting once called; Ole correcting his details on his invitation shows in the plan’s history', async () => {
    const future = new Date(Date.now() + 10 * 86_400_000).toISOString().slice(0, 10);
    const [overview] = cardsOf(await bot.say(NINA, 'mine planer'));
    const form = ok(await bot.execute(NINA, 'meeting', actionData(overview, 'prepare')));
    ok(await bot.execute(NINA, 'meeting', { ...inputsOf(form), ...actionData(form, 'schedule'), date: future, time: '10:00', durationMinutes: '90', mode: 'virtual', joinUrl: 'https://teams.microsoft.com/l/meetup-join/test', agenda: '1. Velkomst' }));
    const card = await showPlan(NINA);
    assert.match(textOf(card), /Næste: /);
    assert.ok(JSON.stringify(card).includes('"organiserView"'), 'the organiser opens the meeting from the plan card');
    assert.ok(!JSON.stringify(await showPlan(OLE)).includes('"organiserView"'));

    let invitation: Card | undefined;
    for (let i = 0; i < 100 && !invitation; i++) {
      const sent = bot.connector.sent.filter((x) => x.conversationId === `a:personal-${OLE.aadObjectId}` && x.method === 'POST');
      invitation = cardsOf(sent).find((c) => /inviteret til et koordinationsmøde/.test(textOf(c)));
      if (!invitation) await new Promise((r) => setTimeout(r, 50));
    }
    assert.ok(invitation, 'Ole’s invitation');
    const corrected = ok(await bot.execute(OLE, 'invitation', { ...inputsOf(invitation), ...actionData(invitation, 'correct'), phone: '+45 22 22 22 22' }));
    assert.match(textOf(corrected), /rettet i planen/);
    assert.match(textOf(await showPlan(NINA)), /Ole Bostøtte rettede egne oplysninger: telefon – Ole Bostøtte/);
  });

  it('citizen data stays out of group chats: "vis plan" there points to the personal chat', async () => {
    const sent = await bot.sayIn(NINA, 'vis plan', { conversation: { id: '19:group', conversationType: 'groupChat', tenantId: TENANT } });
    assert.doesNotMatch(JSON.stringify(sent), /Jens Jensen/);
    assert.match(textOf(cardsOf(sent)[0]), /personlige chat/);
  });
});
