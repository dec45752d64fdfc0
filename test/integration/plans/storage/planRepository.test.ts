/**
 * The plan list query through the real @azure/cosmos client against the
 * embedded server: one single-partition query that reads what the overview
 * card shows (a projection), the newest first, at most n, and never another
 * tenant's plan; by e-mail it also finds the plans waiting to link the user.
 */
import { strict as assert } from 'node:assert';
import { CosmosClient, type Container } from '@azure/cosmos';
import { ALL_CONTAINERS } from '../../../../src/capabilities';
import { silentLogger } from '../../../../src/platform/logger';
import { ensureContainers } from '../../../../src/platform/storage/containers';
import { EmbeddedCosmos, startEmbeddedCosmos } from '../../../../src/platform/storage/embedded/embeddedCosmos';
import { CarePlan, summaryOf } from '../../../../src/plans/domain/carePlan';
import { CosmosPlanStore } from '../../../../src/plans/storage/planRepository';
import { CosmosRequestLog } from '../../../support/cosmosRequests';
import { OWNER, samplePlan, uuidOf } from '../../../unit/fixtures';

const OTHER_TENANT = '72f988bf-0000-4000-8000-0000000000ff';

/** The sample plan (every optional field filled) as plan number `n`, created `n` minutes after a fixed time. */
function planNo(n: number, over: Partial<CarePlan> = {}): CarePlan {
  const base = samplePlan();
  return { ...base, id: uuidOf(1000 + n), reference: `KIP-0000-${String(n).padStart(4, '0')}`, createdAt: new Date(Date.UTC(2026, 0, 1, 0, n)).toISOString(), ...over };
}

describe('plans/storage: the list query (real client, embedded server)', function () {
  this.timeout(20_000);
  let cosmos: EmbeddedCosmos;
  let client: CosmosClient;
  let container: Container;
  let store: CosmosPlanStore;
  let db = 0;
  const log = new CosmosRequestLog();

  before(async () => {
    cosmos = await startEmbeddedCosmos({ logger: silentLogger });
    client = new CosmosClient(cosmos.clientOptions());
    log.start();
  });
  after(async () => {
    log.stop();
    client.dispose();
    await cosmos.close();
  });
  beforeEach(async () => {
    container = (await ensureContainers(client, `plans-${++db}`, ALL_CONTAINERS)).plans!;
    store = new CosmosPlanStore(container);
  });

  it('reads the newest n of the member’s plans, newest first, as the summary the card shows', async () => {
    for (let n = 1; n <= 15; n++) await store.create(planNo(n));
    const listed = await store.listForMember(OWNER.tenantId, OWNER.userId, { limit: 4 });
    assert.deepEqual(listed.map((p) => p.reference), ['KIP-0000-0015', 'KIP-0000-0014', 'KIP-0000-0013', 'KIP-0000-0012']);
    assert.deepEqual(listed[0], summaryOf(planNo(15)), 'exactly the summary: nothing more is read');
  });

  it('reads no address, no words of the citizen, no contact e-mail or phone, no note', async () => {
    const plan = planNo(1);
    await store.create(plan);
    const json = JSON.stringify(await store.listForMember(OWNER.tenantId, OWNER.userId, { limit: 10 }));
    const hidden = [plan.citizen.address, plan.citizen.dreams, plan.citizen.wishes, plan.citizen.needs, plan.consent.note, ...plan.contacts.flatMap((c) => [c.email, c.phone])];
    for (const text of hidden.filter((t): t is string => !!t)) assert.ok(!json.includes(text), `"${text.slice(0, 30)}" is not read`);
    assert.ok(!json.includes('unlinkedEmails') && !json.includes('_etag'));
  });

  it('reads what the card says about a withdrawal and a closing, not their notes or who recorded them', async () => {
    const base = planNo(1);
    const withdrawn: CarePlan = {
      ...base,
      id: uuidOf(11),
      consent: {
        ...base.consent,
        covers: ['shareWithNetwork'],
        withdrawals: [{ scopes: ['coordinationMeetings'], full: false, method: 'verbal', on: '2026-02-01', note: 'Ringede selv', by: { userId: 'u-x', name: 'Karin Kontor' }, recordedAt: '2026-02-01T10:00:00.000Z' }],
      },
    };
    const closed: CarePlan = { ...base, id: uuidOf(12), createdAt: '2026-03-01T00:00:00.000Z', status: 'closed', closure: { reason: 'movedAway', note: 'Flyttet til Aarhus', by: { userId: 'u-y', name: 'Bo Bent' }, at: '2026-03-02T10:00:00.000Z' }, eraseAfter: '2031-03-02' };
    await store.create(withdrawn);
    await store.create(closed);
    const listed = await store.listForMember(OWNER.tenantId, OWNER.userId, { limit: 10 });
    assert.deepEqual(listed, [summaryOf(closed), summaryOf(withdrawn)]);
    assert.deepEqual(listed[1]!.consent.withdrawals, [{ scopes: ['coordinationMeetings'], method: 'verbal', on: '2026-02-01' }]);
    assert.deepEqual([listed[0]!.closure, listed[0]!.eraseAfter], [{ reason: 'movedAway', at: '2026-03-02T10:00:00.000Z' }, '2031-03-02']);
    const json = JSON.stringify(listed);
    for (const hidden of ['Ringede selv', 'Karin Kontor', 'Flyttet til Aarhus', 'Bo Bent']) assert.ok(!json.includes(hidden), `${hidden} is not read`);
  });

  it('says whether the citizen’s own words exist without reading them', async () => {
    const { citizen } = planNo(1);
    await store.create(planNo(1, { id: uuidOf(1), citizen: { ...citizen, dreams: undefined, wishes: undefined, needs: 'Ro' } }));
    await store.create(planNo(2, { id: uuidOf(2), citizen: { ...citizen, dreams: undefined, wishes: undefined, needs: undefined } }));
    const listed = await store.listForMember(OWNER.tenantId, OWNER.userId, { limit: 10 });
    assert.deepEqual(listed.map((p) => [p.id, p.hasOwnWords]), [[uuidOf(2), false], [uuidOf(1), true]]);
  });

  it('never lists another tenant’s plan, even for the same user id, nor a plan the user is not in', async () => {
    await store.create(planNo(1));
    await store.create(planNo(2, { tenantId: OTHER_TENANT }));
    await store.create(planNo(3, { memberIds: ['someone-else'] }));
    assert.deepEqual((await store.listForMember(OWNER.tenantId, OWNER.userId, { limit: 10 })).map((p) => p.id), [uuidOf(1001)]);
    assert.deepEqual((await store.listForMember(OTHER_TENANT, OWNER.userId, { limit: 10 })).map((p) => p.id), [uuidOf(1002)]);
  });

  it('is one query scoped to the tenant’s partition, and returns at most n items however many plans there are', async () => {
    for (let n = 1; n <= 40; n++) await store.create(planNo(n, n % 2 ? {} : { memberIds: ['someone-else'] }));
    log.background.splice(0);
    await store.listForMember(OWNER.tenantId, OWNER.userId, { limit: 11 });
    const queries = log.background.filter((r) => r.kind === 'query');
    assert.equal(queries.length, 1);
    assert.equal(queries[0]!.container, 'plans');
    assert.equal(queries[0]!.partitionKey, JSON.stringify([OWNER.tenantId]), 'a single-partition query');
    assert.equal(queries[0]!.items, 11, 'TOP n: no more items than asked for');
  });

  it('with an e-mail, also finds the plans that could link the user by it – not closed or locked ones', async () => {
    const waiting = planNo(1, { id: uuidOf(1), memberIds: ['someone-else'] });
    const withAddress = { ...waiting, contacts: [...waiting.contacts, { id: uuidOf(9), name: 'Kasper', role: 'Bostøtte', sector: 'municipality' as const, email: 'kasper@kommune.example' }] };
    await store.create(withAddress);
    await store.create({ ...withAddress, id: uuidOf(2), status: 'closed' });
    await store.create({ ...withAddress, id: uuidOf(3), consent: { ...withAddress.consent, status: 'withdrawn' } });
    await store.create(planNo(4, { id: uuidOf(4), memberIds: ['kasper-aad'] }));
    const byMail = await store.listForMember(OWNER.tenantId, 'kasper-aad', { limit: 10, email: 'Kasper@Kommune.example' });
    assert.deepEqual(byMail.map((p) => p.id).sort(), [uuidOf(1), uuidOf(4)]);
    assert.deepEqual((await store.listForMember(OWNER.tenantId, 'kasper-aad', { limit: 10 })).map((p) => p.id), [uuidOf(4)]);
    assert.deepEqual(await store.findByUnlinkedEmail(OWNER.tenantId, 'kasper@kommune.example'), [uuidOf(1)]);
  });
});
