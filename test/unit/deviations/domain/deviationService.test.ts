/**
 * The automatic deviation for an overdue action heals a crash: the sweep
 * retries when reportOverdue failed, and a deviation already stored must still
 * reach the coordinator and get its escalation (each step is idempotent).
 */
import { strict as assert } from 'node:assert';
import { DeviationService } from '../../../../src/deviations/domain/deviationService';
import { DEFAULT_ESCALATION } from '../../../../src/deviations/domain/escalation';
import { WorkingDays } from '../../../../src/deviations/domain/workingDays';
import { stableUuid } from '../../../../src/platform/environment';
import { ACTION_ID, planWithAgreements } from '../fixtures';

describe('deviations/domain/deviationService: reportOverdue after a crash', () => {
  it('a retry after the deviation was stored but the coordinator not told: told once, escalation scheduled', async () => {
    const plan = { ...planWithAgreements(), status: 'active' as const };
    const docs = new Map<string, { id: string }>();
    let notified = 0;
    let scheduled = 0;
    let crash = true;
    const service = new DeviationService({
      plans: { get: async () => plan } as never,
      deviations: {
        get: async (_t: string, id: string) => docs.get(id),
        create: async (d: { id: string }) => (docs.has(d.id) ? 'exists' : (docs.set(d.id, d), 'created')),
      } as never,
      tasks: {} as never,
      audit: { record: async () => undefined, get: async () => undefined } as never,
      env: { now: () => new Date('2026-04-01T10:00:00Z'), newId: () => 'x', stableId: stableUuid } as never,
      notifier: {
        notify: async () => {
          if (crash) {
            crash = false;
            throw new Error('process killed before the coordinator was told');
          }
          notified++;
        },
      } as never,
      jobs: { schedule: async () => void scheduled++ } as never,
      settings: DEFAULT_ESCALATION,
      days: new WorkingDays(),
    });
    await assert.rejects(service.reportOverdue(plan.tenantId, plan.id, ACTION_ID, new Date('2026-04-01T10:00:00Z')));
    assert.equal(docs.size, 1, 'stored before the crash');
    await service.reportOverdue(plan.tenantId, plan.id, ACTION_ID, new Date('2026-04-01T10:20:00Z'));
    assert.equal(docs.size, 1, 'still one deviation');
    assert.equal(notified, 1, 'the coordinator is told on the retry');
    assert.equal(scheduled, 1, 'its escalation is scheduled');
  });
});
