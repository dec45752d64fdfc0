/**
 * The meetings of listed plans through the real @azure/cosmos client against
 * the embedded server: one single-partition query for all of them, reading
 * only what the overview card shows, never another tenant's or plan's; and
 * an update that starts from the version just read, still guarded by its ETag.
 */
import { strict as assert } from 'node:assert';
import { CosmosClient, type Container } from '@azure/cosmos';
import { ALL_CONTAINERS } from '../../../../src/capabilities';
import { CoordinationMeeting, answerInvitation, scheduleInputSchema, scheduleMeeting } from '../../../../src/meetings/domain/meeting';
import { CosmosMeetingStore } from '../../../../src/meetings/storage/meetingRepository';
import { silentLogger } from '../../../../src/platform/logger';
import { ensureContainers } from '../../../../src/platform/storage/containers';
import { EmbeddedCosmos, startEmbeddedCosmos } from '../../../../src/platform/storage/embedded/embeddedCosmos';
import { CosmosRequestLog } from '../../../support/cosmosRequests';
import { T0, ownerActor, planWithTeamsNetwork } from '../../../unit/fixtures';

const OTHER_TENANT = '72f988bf-0000-4000-8000-0000000000ff';

function meetingFor(planId: string, id: string, over: Partial<CoordinationMeeting> = {}): CoordinationMeeting {
  const plan = { ...planWithTeamsNetwork(), id: planId };
  const input = scheduleInputSchema.parse({
    date: '2026-04-14', time: '10:00', durationMinutes: '90', mode: 'inPerson', place: 'Bostedet, lokale 2', agenda: 'Velkomst\nRunde',
  });
  const r = scheduleMeeting(plan, input, ownerActor(), { meetingId: id, timeZone: 'Europe/Copenhagen', now: new Date(T0) });
  if (r.kind !== 'ok') throw new Error('fixture');
  return { ...r.meeting, ...over };
}

describe('meetings/storage (real client, embedded server)', function () {
  this.timeout(20_000);
  let cosmos: EmbeddedCosmos;
  let client: CosmosClient;
  let container: Container;
  let store: CosmosMeetingStore;
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
    container = (await ensureContainers(client, `meetings-${++db}`, ALL_CONTAINERS)).meetings!;
    store = new CosmosMeetingStore(container);
  });

  it('reads the meetings of several plans in one single-partition query, only those plans, only that tenant', async () => {
    const tenant = meetingFor('p-1', 'm-1').tenantId;
    await store.create(meetingFor('p-1', 'm-1'));
    await store.create(meetingFor('p-1', 'm-2', { status: 'cancelled', createdAt: '2026-03-11T09:00:00.000Z' }));
    await store.create(meetingFor('p-2', 'm-3'));
    await store.create(meetingFor('p-3', 'm-4'));
    await store.create(meetingFor('p-1', 'm-5', { tenantId: OTHER_TENANT }));
    log.background.splice(0);
    const digests = await store.digestsForPlans(tenant, ['p-1', 'p-2']);
    assert.deepEqual(digests.map((m) => m.id).sort(), ['m-1', 'm-2', 'm-3']);
    const queries = log.background.filter((r) => r.kind === 'query');
    assert.equal(queries.length, 1);
    assert.equal(queries[0]!.partitionKey, JSON.stringify([tenant]));
  });

  it('reads what the overview card needs, not the agenda, the place, reasons or substitutes', async () => {
    const m = meetingFor('p-1', 'm-1');
    const answered = answerInvitation(m, m.invitations[1]!.contactId, 0, { response: 'apologies', reason: 'Ferie i Tyrkiet' }, new Date(T0));
    assert.equal(answered.kind, 'ok');
    await store.create((answered as { meeting: CoordinationMeeting }).meeting);
    const [digest] = await store.digestsForPlans(m.tenantId, ['p-1']);
    const json = JSON.stringify(digest);
    for (const hidden of ['Ferie i Tyrkiet', 'Velkomst', 'Bostedet', m.organiser.name]) assert.ok(!json.includes(hidden), `${hidden} is not read`);
    assert.deepEqual(
      digest!.invitations.map((i) => i.response),
      ['accepted', 'apologies', 'pending'],
      'the answers are there for the tally',
    );
    assert.deepEqual(Object.keys(digest!).sort(), ['checklist', 'createdAt', 'durationMinutes', 'id', 'invitations', 'organiserContactId', 'planId', 'sequence', 'startsAt', 'status', 'timeZone']);
  });

  it('asks nothing for no plans', async () => {
    log.background.splice(0);
    assert.deepEqual(await store.digestsForPlans('t', []), []);
    assert.equal(log.background.length, 0);
  });

  it('an update from the version just read writes without reading again, and a stale version is re-read, not lost', async () => {
    const m = meetingFor('p-1', 'm-1');
    await store.create(m);
    const read = (await store.read(m.tenantId, m.id))!;
    log.background.splice(0);
    await store.update(m.tenantId, m.id, (x) => ({ ...x, durationMinutes: 60 }), read);
    assert.deepEqual(log.background.map((r) => `${r.method} ${r.kind}`), ['PUT write'], 'one conditional write, no read');
    // `read` is now stale: the write is refused (412), the stored version is read and the change applied to it.
    await store.update(m.tenantId, m.id, (x) => ({ ...x, place: 'Hjemme' }), read);
    const stored = (await store.get(m.tenantId, m.id))!;
    assert.deepEqual([stored.durationMinutes, stored.place], [60, 'Hjemme']);
  });
});
