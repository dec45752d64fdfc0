/**
 * The document cache through the real Cosmos code path (@azure/cosmos against
 * the embedded server), with two "bot instances" on one store: two
 * repositories on the same container, each with its own cache, as two
 * processes would have. Instance B changes, cancels or moves a meeting (or
 * another tab changes a guide) after instance A cached it; a click on A must
 * still give the right outcome – the write exactly once with the right data,
 * a refusal only after a fresh read, a stale card still stale.
 */
import { strict as assert } from 'node:assert';
import { CosmosClient, type Container } from '@azure/cosmos';
import sinon from 'sinon';
import { ALL_CONTAINERS } from '../../../../src/capabilities';
import { GuideService } from '../../../../src/guide/domain/guideService';
import { CosmosDraftStore } from '../../../../src/guide/storage/draftRepository';
import { InvitationService } from '../../../../src/meetings/domain/invitationService';
import { CoordinationMeeting, answerInvitation, cancelMeeting, rescheduleMeeting, scheduleInputSchema, scheduleMeeting } from '../../../../src/meetings/domain/meeting';
import type { MeetingNotifier } from '../../../../src/meetings/domain/ports';
import { CosmosMeetingStore } from '../../../../src/meetings/storage/meetingRepository';
import { CosmosPlanStore } from '../../../../src/plans/storage/planRepository';
import { CosmosAuditLog } from '../../../../src/platform/audit/auditRepository';
import { silentLogger } from '../../../../src/platform/logger';
import { ensureContainers } from '../../../../src/platform/storage/containers';
import { EmbeddedCosmos, startEmbeddedCosmos } from '../../../../src/platform/storage/embedded/embeddedCosmos';
import { CosmosRequestLog } from '../../../support/cosmosRequests';
import { OWNER, T0, consentFields, ownerActor, planWithTeamsNetwork, testEnvironment } from '../../../unit/fixtures';

/** In the plan's network and in Teams (planWithTeamsNetwork's second contact). */
const COLLEAGUE = { tenantId: OWNER.tenantId, userId: 'aad-colleague', name: 'Kollega' };
const plan = { ...planWithTeamsNetwork(), memberIds: [OWNER.userId, COLLEAGUE.userId] };
const colleagueContact = plan.contacts.find((c) => c.teamsUserId === COLLEAGUE.userId)!.id;

function meetingOf(id: string): CoordinationMeeting {
  const input = scheduleInputSchema.parse({ date: '2026-04-14', time: '10:00', durationMinutes: '90', mode: 'inPerson', place: 'Bostedet', agenda: 'Velkomst' });
  const r = scheduleMeeting(plan, input, ownerActor(), { meetingId: id, timeZone: 'Europe/Copenhagen', now: new Date(T0) });
  if (r.kind !== 'ok') throw new Error('fixture');
  return r.meeting;
}

describe('platform/storage/documentCache: two instances on one store (real client, embedded server)', function () {
  this.timeout(30_000);
  let cosmos: EmbeddedCosmos;
  let client: CosmosClient;
  let containers: Record<string, Container>;
  let db = 0;
  const log = new CosmosRequestLog();
  const env = testEnvironment('2026-03-10T09:00:00.000Z');

  /** One bot instance: its own repositories (so its own caches) over the shared containers. */
  function instance() {
    const meetings = new CosmosMeetingStore(containers.meetings!);
    const drafts = new CosmosDraftStore(containers.drafts!);
    const plans = new CosmosPlanStore(containers.plans!);
    const audit = new CosmosAuditLog(containers.audit!);
    const notifier = { notifyInvited: sinon.stub().resolves(), deliveryStatus: sinon.stub().resolves({ delivered: 0, failedContactIds: [] }), refreshOrganiser: sinon.stub().resolves() } satisfies MeetingNotifier;
    return { meetings, drafts, notifier, invitations: new InvitationService(plans, meetings, audit, notifier, env), guide: new GuideService(drafts, plans, audit, env) };
  }

  /** What `fn` asked the meetings (or drafts) container, in order, e.g. ['write', 'read', 'write']. */
  async function requestsTo(container: string, fn: () => Promise<unknown>): Promise<string[]> {
    log.background.splice(0);
    await fn();
    return log.background.filter((r) => r.container === container).map((r) => r.kind);
  }

  /** The audit trail's actions for the plan, refusals with their reason. */
  async function trail(planId: string): Promise<string[]> {
    const entries = await new CosmosAuditLog(containers.audit!).listForPlan(OWNER.tenantId, planId);
    return entries.map((e) => (e.action === 'access.denied' ? `access.denied:${String(e.details?.reason)}` : e.action));
  }

  const stored = async (id: string) => (await new CosmosMeetingStore(containers.meetings!).get(OWNER.tenantId, id))!;

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
    containers = (await ensureContainers(client, `cache-${++db}`, ALL_CONTAINERS)) as Record<string, Container>;
    await new CosmosPlanStore(containers.plans!).create(plan);
  });

  describe('the repositories keep only what a write returned', () => {
    it('a create and an update leave the written meeting with the ETag the store gave it; a read leaves nothing', async () => {
      const a = instance();
      const b = instance();
      await a.meetings.create(meetingOf('m-1'));
      const fresh = await b.meetings.read(OWNER.tenantId, 'm-1');
      const cached = await a.meetings.read(OWNER.tenantId, 'm-1', { cached: true });
      assert.equal(cached?.cached, true);
      assert.equal(cached.etag, fresh!.etag, 'the create’s ETag is the stored one');
      assert.deepEqual(cached.value, fresh!.value);
      // B only read: it holds nothing, so it reads again.
      assert.deepEqual(await requestsTo('meetings', () => b.meetings.read(OWNER.tenantId, 'm-1', { cached: true })), ['read']);
      assert.deepEqual(await requestsTo('meetings', () => b.meetings.read(OWNER.tenantId, 'm-1', { cached: true })), ['read']);
      await b.meetings.update(OWNER.tenantId, 'm-1', (m) => ({ ...m, updatedAt: '2026-03-10T10:00:00.000Z' }));
      const afterWrite = await b.meetings.read(OWNER.tenantId, 'm-1', { cached: true });
      assert.equal(afterWrite?.cached, true);
      assert.equal(afterWrite.etag, (await b.meetings.read(OWNER.tenantId, 'm-1'))!.etag);
      assert.equal(afterWrite.value.updatedAt, '2026-03-10T10:00:00.000Z');
      // Reads that show data (get, and read without `cached`) always ask the store.
      assert.deepEqual(await requestsTo('meetings', () => b.meetings.get(OWNER.tenantId, 'm-1')), ['read']);
    });

    it('a 412 drops the outdated copy; a delete drops it too', async () => {
      const a = instance();
      const b = instance();
      await a.meetings.create(meetingOf('m-1'));
      await b.meetings.update(OWNER.tenantId, 'm-1', (m) => ({ ...m, updatedAt: '2026-03-10T10:00:00.000Z' }));
      const known = await a.meetings.read(OWNER.tenantId, 'm-1', { cached: true });
      // A write from the outdated copy: 412, then the stored one, then the write.
      const kinds = await requestsTo('meetings', () => a.meetings.update(OWNER.tenantId, 'm-1', (m) => ({ ...m, durationMinutes: 60 }), known));
      assert.deepEqual(kinds, ['write', 'read', 'write']);
      const m = await stored('m-1');
      assert.deepEqual([m.durationMinutes, m.updatedAt], [60, '2026-03-10T10:00:00.000Z'], 'B’s change is kept, A’s applied on top');
      await a.meetings.remove(OWNER.tenantId, 'm-1');
      assert.equal(await a.meetings.read(OWNER.tenantId, 'm-1', { cached: true }), undefined);
    });

    it('concurrent writes from cached copies of one meeting run one after another: each from the last one’s result, no 412', async () => {
      const a = instance();
      await a.meetings.create(meetingOf('m-1'));
      const known = await a.meetings.read(OWNER.tenantId, 'm-1', { cached: true });
      const agenda = ['1', '2', '3', '4', '5'];
      const kinds = await requestsTo('meetings', () =>
        Promise.all(agenda.map((line) => a.meetings.update(OWNER.tenantId, 'm-1', (m) => ({ ...m, agenda: [...m.agenda, line] }), known))));
      assert.deepEqual(kinds, ['write', 'write', 'write', 'write', 'write']);
      assert.deepEqual((await stored('m-1')).agenda.slice(-5), agenda, 'every change applied, in order');
    });

    it('a cached copy of a meeting another instance deleted answers "no such meeting", not an error', async () => {
      const a = instance();
      const b = instance();
      await a.meetings.create(meetingOf('m-1'));
      await b.meetings.remove(OWNER.tenantId, 'm-1');
      const known = await a.meetings.read(OWNER.tenantId, 'm-1', { cached: true });
      assert.equal(known?.cached, true);
      assert.equal(await a.meetings.update(OWNER.tenantId, 'm-1', (m) => ({ ...m, durationMinutes: 60 }), known), undefined);
    });

    it('drafts: create and replace leave what was written (without its ttl); a conflict drops it', async () => {
      const a = instance();
      const b = instance();
      const draft = await a.guide.start(OWNER, 'activity-1');
      const cached = await a.drafts.get(OWNER.tenantId, draft.id, { cached: true });
      assert.equal(cached?.cached, true);
      assert.deepEqual(cached.value, draft);
      assert.equal(cached.etag, (await b.drafts.get(OWNER.tenantId, draft.id))!.etag);
      assert.deepEqual(await requestsTo('drafts', () => b.drafts.get(OWNER.tenantId, draft.id, { cached: true })), ['read'], 'B never wrote it');
      assert.equal(await b.drafts.replace({ ...draft, revision: 5 }, cached.etag), 'replaced');
      assert.equal((await b.drafts.get(OWNER.tenantId, draft.id, { cached: true }))?.value.revision, 5);
      assert.equal(await a.drafts.replace({ ...draft, revision: 6 }, cached.etag), 'conflict');
      assert.deepEqual(await requestsTo('drafts', () => a.drafts.get(OWNER.tenantId, draft.id, { cached: true })), ['read'], 'the conflict dropped A’s copy');
    });
  });

  describe('an invitation answer on A after B changed the meeting', () => {
    it('B recorded another answer: A’s answer is written exactly once, on top of B’s (412, fresh read, write)', async () => {
      const a = instance();
      const b = instance();
      await a.meetings.create(meetingOf('m-1'));
      await b.meetings.update(OWNER.tenantId, 'm-1', (m) => {
        const r = answerInvitation(m, 'relative-1', 0, { response: 'apologies', reason: 'Syg' }, new Date(T0));
        return r.kind === 'ok' ? r.meeting : undefined;
      });
      let kind = '';
      const kinds = await requestsTo('meetings', async () => (kind = (await a.invitations.answer(COLLEAGUE, 'm-1', colleagueContact, 0, { response: 'accepted' })).kind));
      assert.equal(kind, 'ok');
      assert.deepEqual(kinds, ['write', 'read', 'write']);
      const m = await stored('m-1');
      assert.deepEqual(m.invitations.map((i) => [i.contactId, i.response]), [[plan.contacts[0]!.id, 'accepted'], [colleagueContact, 'accepted'], ['relative-1', 'apologies']]);
      assert.deepEqual(await trail(plan.id), ['invitation.answered']);
      assert.equal(a.notifier.refreshOrganiser.callCount, 1);
    });

    it('the same answer given on B: a click on A changes nothing and records nothing (no second write)', async () => {
      const a = instance();
      const b = instance();
      await a.meetings.create(meetingOf('m-1'));
      assert.equal((await b.invitations.answer(COLLEAGUE, 'm-1', colleagueContact, 0, { response: 'accepted' })).kind, 'ok');
      const before = await b.meetings.read(OWNER.tenantId, 'm-1');
      let kind = '';
      const kinds = await requestsTo('meetings', async () => (kind = (await a.invitations.answer(COLLEAGUE, 'm-1', colleagueContact, 0, { response: 'accepted' })).kind));
      assert.equal(kind, 'ok');
      assert.deepEqual(kinds, ['write', 'read'], 'the cached copy’s write failed (412); the stored meeting says: the same answer');
      assert.equal((await b.meetings.read(OWNER.tenantId, 'm-1'))!.etag, before!.etag, 'nothing written');
      assert.deepEqual(await trail(plan.id), ['invitation.answered']);
      assert.equal(a.notifier.refreshOrganiser.callCount, 0);
    });

    it('B cancelled the meeting: A refuses only after a fresh read, and writes nothing', async () => {
      const a = instance();
      const b = instance();
      await a.meetings.create(meetingOf('m-1'));
      await b.meetings.update(OWNER.tenantId, 'm-1', (m) => cancelMeeting(m, new Date(T0), { reason: 'Syg', by: ownerActor() }));
      const cancelled = await stored('m-1');
      let kind = '';
      const kinds = await requestsTo('meetings', async () => (kind = (await a.invitations.answer(COLLEAGUE, 'm-1', colleagueContact, 0, { response: 'accepted' })).kind));
      assert.equal(kind, 'cancelled');
      assert.ok(kinds.includes('read'), `the stored meeting was read before refusing: ${kinds.join(', ')}`);
      assert.deepEqual(await stored('m-1'), cancelled, 'nothing written');
      assert.deepEqual(await trail(plan.id), ['access.denied:cancelled']);
    });

    it('B moved the meeting: the old card on A is stale (after a fresh read), and shows the new time', async () => {
      const a = instance();
      const b = instance();
      await a.meetings.create(meetingOf('m-1'));
      await b.meetings.update(OWNER.tenantId, 'm-1', (m) => rescheduleMeeting(m, new Date('2026-04-15T08:00:00.000Z'), 60, new Date(T0)));
      const outcome = await a.invitations.answer(COLLEAGUE, 'm-1', colleagueContact, 0, { response: 'accepted' });
      assert.equal(outcome.kind, 'stale');
      assert.equal(outcome.kind === 'stale' && outcome.meeting.sequence, 1);
      assert.equal((await stored('m-1')).invitations.find((i) => i.contactId === colleagueContact)!.response, 'pending');
      assert.deepEqual(await trail(plan.id), ['access.denied:stale']);
    });

    it('B moved the meeting and the new card is clicked on A: A’s old copy calls it stale, the stored meeting does not – answered once', async () => {
      const a = instance();
      const b = instance();
      await a.meetings.create(meetingOf('m-1'));
      await b.meetings.update(OWNER.tenantId, 'm-1', (m) => rescheduleMeeting(m, new Date('2026-04-15T08:00:00.000Z'), 60, new Date(T0)));
      let kind = '';
      const kinds = await requestsTo('meetings', async () => (kind = (await a.invitations.answer(COLLEAGUE, 'm-1', colleagueContact, 1, { response: 'accepted' })).kind));
      assert.equal(kind, 'ok');
      assert.deepEqual(kinds, ['read', 'write'], 'no write from the old copy; the stored meeting, then the write');
      const m = await stored('m-1');
      assert.deepEqual([m.sequence, m.invitations.find((i) => i.contactId === colleagueContact)!.response], [1, 'accepted']);
      assert.deepEqual(await trail(plan.id), ['invitation.answered']);
    });

    it('"not invited" by A’s copy is decided again on the stored meeting (there B invited the contact): answered once', async () => {
      const a = instance();
      const b = instance();
      const full = meetingOf('m-1');
      await a.meetings.create({ ...full, invitations: full.invitations.filter((i) => i.contactId !== colleagueContact) });
      await b.meetings.update(OWNER.tenantId, 'm-1', (m) => ({ ...m, invitations: full.invitations }));
      const outcome = await a.invitations.answer(COLLEAGUE, 'm-1', colleagueContact, 0, { response: 'accepted' });
      assert.equal(outcome.kind, 'ok');
      assert.equal((await stored('m-1')).invitations.find((i) => i.contactId === colleagueContact)!.response, 'accepted');
      assert.deepEqual(await trail(plan.id), ['invitation.answered']);
    });

    it('A’s own last write serves its next click: no meeting read at all', async () => {
      const a = instance();
      await a.meetings.create(meetingOf('m-1'));
      assert.deepEqual(await requestsTo('meetings', () => a.invitations.answer(COLLEAGUE, 'm-1', colleagueContact, 0, { response: 'accepted' })), ['write']);
      assert.deepEqual(await requestsTo('meetings', () => a.invitations.answer(COLLEAGUE, 'm-1', colleagueContact, 0, { response: 'apologies', reason: 'Syg' })), ['write']);
      assert.equal((await stored('m-1')).invitations.find((i) => i.contactId === colleagueContact)!.response, 'apologies');
    });
  });

  describe('a guide step on A after another tab (instance B) changed the guide', () => {
    it('the card made on B, clicked on A: A’s copy is older than the card and calls it stale, the stored draft does not – saved once', async () => {
      const a = instance();
      const b = instance();
      const draft = await a.guide.start(OWNER, 'activity-1');
      const onB = await b.guide.act(OWNER, draft.id, draft.revision, { type: 'consent', fields: consentFields() });
      assert.equal(onB.kind, 'ok');
      const savedOnB = onB.kind === 'ok' ? onB.draft : draft;
      let outcome: Awaited<ReturnType<GuideService['act']>> | undefined;
      const kinds = await requestsTo('drafts', async () => (outcome = await a.guide.act(OWNER, draft.id, savedOnB.revision, { type: 'back' })));
      assert.equal(outcome?.kind, 'ok');
      assert.deepEqual(kinds, ['read', 'write'], 'no write from the old copy: the stored draft, then the write');
      const now = (await b.drafts.get(OWNER.tenantId, draft.id))!.value;
      assert.deepEqual([now.revision, now.step, now.consent?.method], [savedOnB.revision + 1, 'consent', 'verbal'], 'B’s consent kept, one step back once');
      // And A's next click starts from its own write.
      assert.deepEqual(await requestsTo('drafts', () => a.guide.act(OWNER, draft.id, now.revision, { type: 'consent', fields: consentFields() })), ['write']);
    });

    it('B saved a step from the same card first: A’s write from its copy fails (412), and the stored draft says stale', async () => {
      const a = instance();
      const b = instance();
      const draft = await a.guide.start(OWNER, 'activity-1');
      // A's cache holds revision 0; B's read is fresh and its write wins.
      assert.equal((await b.guide.act(OWNER, draft.id, draft.revision, { type: 'consent', fields: consentFields() })).kind, 'ok');
      let kind = '';
      const kinds = await requestsTo('drafts', async () => (kind = (await a.guide.act(OWNER, draft.id, draft.revision, { type: 'consent', fields: consentFields() })).kind));
      assert.equal(kind, 'stale');
      assert.deepEqual(kinds, ['write', 'read'], 'the write from the cached copy is refused by its ETag; "stale" comes from the stored draft');
      assert.equal((await b.drafts.get(OWNER.tenantId, draft.id))!.value.revision, draft.revision + 1, 'saved once');
      assert.deepEqual((await trail(draft.id)).filter((x) => x !== 'guide.started'), ['guide.stepSaved', 'access.denied:stale']);
    });

    it('a stranger is refused after a fresh read, also when the draft is cached', async () => {
      const a = instance();
      const draft = await a.guide.start(OWNER, 'activity-1');
      const kinds = await requestsTo('drafts', () => a.guide.act({ ...OWNER, userId: 'aad-stranger' }, draft.id, draft.revision, { type: 'cancel' }));
      assert.deepEqual(kinds, ['read']);
      assert.equal((await a.drafts.get(OWNER.tenantId, draft.id))!.value.step, 'consent');
    });
  });
});
