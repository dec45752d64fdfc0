/**
 * The deviation notifier with a recording outbox: what escalation contacts are
 * told (the coordinator to call now, never the deviation or the citizen), and
 * that live-card updates follow only people still in the plan's network.
 */
import { strict as assert } from 'node:assert';
import { newDeviation } from '../../../../src/deviations/domain/deviation';
import { OutboxDeviationNotifier } from '../../../../src/deviations/notify/deviationNotifier';
import { silentLogger } from '../../../../src/platform/logger';
import type { Outbox } from '../../../../src/platform/outbox/outbox';
import type { OutboxRecipient } from '../../../../src/platform/outbox/model';
import { OWNER, T0 } from '../../fixtures';
import { ANNE, BO, BO_CONTACT_ID, planWithAgreements } from '../fixtures';

/** Records what the notifier hands the outbox (only the two calls it makes). */
function recordingOutbox() {
  const enqueued: Array<{ key: string; recipients: OutboxRecipient[] }> = [];
  const updated: Array<{ target: unknown; activity: unknown }> = [];
  const outbox = {
    enqueue: async (key: string, _tenant: string, recipients: OutboxRecipient[]) => void enqueued.push({ key, recipients }),
    update: async (_tenant: string, u: { target: unknown; activity: unknown }) => void updated.push(u),
  };
  return { enqueued, updated, outbox: outbox as unknown as Outbox };
}

const directory = { find: async () => undefined };
const WHAT = 'Jens kastede med stole';

describe('deviations/notify/deviationNotifier', () => {
  it('escalation contacts are told the plan reference and the coordinator to call now (after a handover), never the deviation or the citizen', async () => {
    const plan = planWithAgreements({ second: true });
    const d = newDeviation({ id: 'd1', plan, input: { what: WHAT, category: 'other', urgency: 'urgent' }, reporter: { userId: ANNE.userId, name: ANNE.name }, now: new Date(T0) });
    assert.equal(d.coordinatorUserId, OWNER.userId);
    // Bo has since taken over the coordinator role.
    const handedOver = { ...plan, agreements: { ...plan.agreements!, coordinator: { contactId: BO_CONTACT_ID, since: T0 }, secondCoordinator: undefined } };
    const r = recordingOutbox();
    await new OutboxDeviationNotifier({ outbox: r.outbox, directory, logger: silentLogger }).notify(handedOver, d, { kind: 'escalationContacts', contacts: [{ userId: 'aad-unit-manager', name: 'Leder' }] });
    const json = JSON.stringify(r.enqueued);
    assert.match(json, /Bo Madsen/, 'the coordinator now');
    assert.match(json, /87 65 43 21/, 'with the phone number to call');
    assert.ok(!json.includes(OWNER.name), 'not the coordinator before the handover');
    for (const secret of [WHAT, plan.citizen.name, 'Følge Jens']) assert.ok(!json.includes(secret), `no "${secret}"`);
  });

  it('live-card updates go only to people still in the network', async () => {
    const plan = planWithAgreements();
    const d = { ...newDeviation({ id: 'd2', plan, input: { what: WHAT, category: 'other', urgency: 'normal' }, reporter: { userId: ANNE.userId, name: ANNE.name }, now: new Date(T0) }),
      reporterCard: { activityId: 'a1', conversationId: `a:${ANNE.userId}`, serviceUrl: 'https://smba.example/' } };
    const r = recordingOutbox();
    const notifier = new OutboxDeviationNotifier({ outbox: r.outbox, directory, logger: silentLogger });
    await notifier.refresh(plan, d, BO.userId);
    assert.equal(r.updated.length, 2, 'the coordinator and the reporter');
    const withoutAnne = { ...plan, memberIds: plan.memberIds.filter((m) => m !== ANNE.userId) };
    r.updated.length = 0;
    await notifier.refresh(withoutAnne, d, BO.userId);
    assert.equal(r.updated.length, 1, 'the coordinator only');
    assert.ok(!JSON.stringify(r.updated).includes(`a:${ANNE.userId}`), 'nothing to the removed reporter');
  });
});
