/**
 * The distribution's story with hand-written fakes: the meeting's call only
 * queues; only the newest version of an open plan goes out; answers on a
 * locked plan, by an outsider or to an old version change nothing and are
 * refused in the audit trail; a change request reaches the coordinator once.
 */
import { strict as assert } from 'node:assert';
import type { VersionResponse, VersionResponseStore } from '../../../../src/plans/domain/approval';
import { emptyResponse, responseId } from '../../../../src/plans/domain/approval';
import { memberIdsFor, withdrawConsent, type CarePlan, type Contact } from '../../../../src/plans/domain/carePlan';
import { DistributionService, type DistributionNotifier } from '../../../../src/plans/domain/distributionService';
import { InMemoryAuditLog, InMemoryPlanStore } from '../../fakes';
import { OTHER_USER, OWNER, ownerActor, planWithTeamsNetwork, testEnvironment, TENANT } from '../../fixtures';
import { withMeetingVersion } from '../../../support/versionScenario';

class InMemoryResponses implements VersionResponseStore {
  readonly docs = new Map<string, VersionResponse>();
  async update(tenantId: string, planId: string, version: number, recipient: string, change: (r: VersionResponse) => VersionResponse | undefined) {
    const id = responseId(planId, version, recipient);
    const current = this.docs.get(id) ?? emptyResponse(tenantId, planId, version, recipient);
    const next = change(structuredClone(current));
    if (next) this.docs.set(id, next);
    return { response: next ?? current, changed: !!next };
  }
  async forVersion(_t: string, planId: string, version: number) {
    return [...this.docs.values()].filter((r) => r.planId === planId && r.version === version);
  }
  async removeForPlan(_t: string, planId: string) {
    for (const [id, r] of this.docs) if (r.planId === planId) this.docs.delete(id);
  }
}

class RecordingNotifier implements DistributionNotifier {
  distributed: number[] = [];
  refreshed = 0;
  requests: Array<{ contact: Contact; index: number }> = [];
  async distribute(plan: CarePlan, n: number) {
    this.distributed.push(n);
    return { teams: plan.memberIds.length, manual: 1 };
  }
  async refreshCoordinator() {
    this.refreshed++;
  }
  async changeRequested(_p: CarePlan, _n: number, contact: Contact, index: number) {
    this.requests.push({ contact, index });
  }
}

const colleague = { tenantId: TENANT, userId: 'aad-colleague', name: 'Kollega' };

async function setup(change: (p: CarePlan) => CarePlan = (p) => p) {
  const env = testEnvironment();
  const plans = new InMemoryPlanStore();
  const audit = new InMemoryAuditLog();
  const responses = new InMemoryResponses();
  const notifier = new RecordingNotifier();
  const queued: Array<[string, string, number, string]> = [];
  const base = planWithTeamsNetwork();
  const plan = change(withMeetingVersion({ ...base, memberIds: memberIdsFor(base) }, ownerActor(), env.now()));
  await plans.create(plan);
  const service = new DistributionService({ plans, responses, notifier, audit, env, queue: { queue: async (...args) => (queued.push(args), 'queued') } });
  return { service, plans, audit, responses, notifier, queued, plan };
}

const denials = (audit: InMemoryAuditLog) => audit.entries.filter((e) => e.action === 'access.denied').map((e) => e.details?.reason);

describe('plans/domain/distributionService', () => {
  it("the meeting's call only queues the work; the work sends the newest version once and audits it once", async () => {
    const { service, notifier, queued, plan, audit } = await setup();
    await service.onVersionFinished(plan.id, 2, OWNER);
    assert.deepEqual(queued, [[TENANT, plan.id, 2, OWNER.userId]]);
    assert.deepEqual(notifier.distributed, []);
    assert.equal((await service.distributeNow(TENANT, plan.id, 2, OWNER.userId)).kind, 'sent');
    assert.equal((await service.distributeNow(TENANT, plan.id, 2, OWNER.userId)).kind, 'sent');
    assert.equal(audit.entries.filter((e) => e.action === 'version.distributed').length, 1, 'a repeat adds no entry');
    assert.equal((await service.distributeNow(TENANT, plan.id, 1, OWNER.userId)).kind, 'stale');
    assert.equal((await service.distributeNow(TENANT, plan.id, 3, OWNER.userId)).kind, 'notFound');
  });

  it('sends nothing for a plan whose consent was withdrawn, and refuses answers on it', async () => {
    const { service, notifier, plan, audit, responses } = await setup((p) => withdrawConsent(p, ownerActor(), new Date()));
    assert.equal((await service.distributeNow(TENANT, plan.id, 2, OWNER.userId)).kind, 'locked');
    assert.deepEqual(notifier.distributed, []);
    assert.equal((await service.approve(OWNER, plan.id, 2)).kind, 'locked');
    assert.equal(responses.docs.size, 0);
    assert.deepEqual(denials(audit), ['locked']);
  });

  it('approves once, refreshes the coordinator once; an outsider is refused', async () => {
    const s = await setup();
    const first = await s.service.approve(colleague, s.plan.id, 2);
    assert.equal(first.kind === 'ok' && first.already, false);
    const second = await s.service.approve(colleague, s.plan.id, 2);
    assert.equal(second.kind === 'ok' && second.already, true);
    assert.equal(s.notifier.refreshed, 1);
    assert.equal((await s.service.approve(OTHER_USER, s.plan.id, 2)).kind, 'denied');
    assert.deepEqual(denials(s.audit), ['notMember']);
    assert.equal(s.audit.entries.filter((e) => e.action === 'version.approved').length, 1);
  });

  it('keeps a change request once and hands it to the coordinator (again on a replay, same key)', async () => {
    const { service, notifier, responses, plan } = await setup();
    const r1 = await service.requestChange(colleague, plan.id, 2, '  Flyt fristen  ');
    const r2 = await service.requestChange(colleague, plan.id, 2, 'Flyt fristen');
    assert.equal(r1.kind === 'ok' && r1.already, false);
    assert.equal(r2.kind === 'ok' && r2.already, true);
    assert.deepEqual(notifier.requests.map((r) => r.index), [0, 0]);
    assert.deepEqual([...responses.docs.values()][0]!.changeRequests!.map((c) => c.text), ['Flyt fristen']);
    const tooLong = await service.requestChange(colleague, plan.id, 2, 'x'.repeat(1001));
    assert.equal(tooLong.kind, 'invalid');
    assert.deepEqual(tooLong.kind === 'invalid' && tooLong.errors, { changeText: 'max:1000:1001' });
  });

  it("lets only the coordinator record the citizen's approval, once", async () => {
    const { service, plans, plan, audit } = await setup();
    assert.equal((await service.recordApproval(colleague, plan.id, 2, 'Mundtligt')).kind, 'denied');
    const ok = await service.recordApproval(OWNER, plan.id, 2, 'Mundtligt');
    assert.equal(ok.kind === 'ok' && ok.notice, 'approvalRecorded');
    const again = await service.recordApproval(OWNER, plan.id, 2, 'Igen');
    assert.equal(again.kind === 'ok' && again.notice, 'unchanged');
    const stored = await plans.get(TENANT, plan.id);
    assert.equal(stored!.versions!.at(-1)!.approval!.status, 'given');
    assert.deepEqual(denials(audit), ['notCoordinator']);
  });
});
