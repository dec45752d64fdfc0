/**
 * Kill -9 in the middle of sending a new plan version to 20 contacts: a child process (the real
 * plans distribution, outbox and scheduler on the test's store) queues the version's distribution
 * as the meeting capability does and sends through the Bot Framework sender; the connector fake
 * accepts the Nth card but never answers – Teams has it, the outbox has no 'sent' – and the child
 * is SIGKILLed right then. A second process asks again (the meeting's retry) and finishes. Every
 * contact must end with exactly one card of the version, and the coordinator with one overview.
 */
import { strict as assert } from 'node:assert';
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { ALL_CONTAINERS } from '../../../src/capabilities';
import { ensureContainers } from '../../../src/platform/storage/containers';
import { memberIdsFor, type CarePlan, type Contact } from '../../../src/plans/domain/carePlan';
import { CosmosPlanStore } from '../../../src/plans/storage/planRepository';
import type { DistributionChildConfig } from '../../support/distributionChild';
import { conversationOf, OUTBOX_BOT_APP_ID, OUTBOX_TENANT } from '../../support/outboxFixtures';
import { startOutboxHarness, type OutboxHarness } from '../../support/outboxHarness';
import { samplePlan, uuidOf } from '../../unit/fixtures';
import { withMeetingVersion } from '../../support/versionScenario';

const ROOT = path.resolve(__dirname, '../../..');
const CONTACTS = 20;

/** A plan whose network is the coordinator and 20 further contacts in Teams. */
function planFor(users: string[]): CarePlan {
  const base = samplePlan();
  const contacts: Contact[] = users.map((u, i) => ({ id: uuidOf(900 + i), name: `Kontakt ${i}`, role: 'Støtte', sector: 'municipality', teamsUserId: u }));
  const plan: CarePlan = {
    ...base,
    tenantId: OUTBOX_TENANT,
    consent: { ...base.consent, covers: ['shareWithNetwork', 'coordinationMeetings'] },
    contacts,
    createdBy: { userId: users[0]!, name: 'Kontakt 0' },
  };
  return withMeetingVersion({ ...plan, memberIds: memberIdsFor(plan) }, plan.createdBy, new Date());
}

/** Which card a delivered message holds: a contact's version card or the coordinator's overview. */
function kindOf(activity: { attachments?: Array<{ content: unknown }> }): string | undefined {
  const card = activity.attachments?.[0]?.content as { refresh?: { action?: { data?: { action?: string } } } } | undefined;
  return card?.refresh?.action?.data?.action;
}

describe('plans: a process killed while sending a new version to 20 contacts', function () {
  this.timeout(90_000);
  let h: OutboxHarness;
  const children: ChildProcess[] = [];
  let users: string[];
  let plan: CarePlan;

  beforeEach(async () => {
    h = await startOutboxHarness('distribution-kill');
    await ensureContainers(h.client, h.databaseId, ALL_CONTAINERS);
    users = h.recipients(CONTACTS + 1).map((r) => r.userId);
    for (const u of users) {
      await h.conversations.rememberFrom({
        channelId: 'msteams', serviceUrl: h.serviceUrl, from: { id: `29:${u}`, aadObjectId: u }, recipient: { id: `28:${OUTBOX_BOT_APP_ID}` },
        conversation: { id: conversationOf(u), conversationType: 'personal', tenantId: OUTBOX_TENANT }, channelData: { tenant: { id: OUTBOX_TENANT } },
      });
    }
    plan = planFor(users);
    const { plans } = await ensureContainers(h.client, h.databaseId, ALL_CONTAINERS);
    assert.equal(await new CosmosPlanStore(plans!).create(plan), 'created');
  });
  afterEach(async () => {
    for (const c of children.splice(0)) c.kill('SIGKILL');
    await h.close();
  });

  function child(instanceId: string): { proc: ChildProcess; exited: Promise<string>; stderr: () => string } {
    const config: DistributionChildConfig = {
      endpoint: h.cosmos.endpoint, key: h.cosmos.key, databaseId: h.databaseId, graphUrl: h.graphUrl, serviceUrl: h.serviceUrl,
      tenantId: OUTBOX_TENANT, planId: plan.id, version: 2, byUserId: users[0]!, instanceId, leaseMs: 6_000,
    };
    const proc = spawn(process.execPath, ['-r', 'tsx/cjs', path.join(ROOT, 'test/support/distributionChild.ts')], {
      cwd: ROOT, env: { ...process.env, DISTRIBUTION_CHILD: JSON.stringify(config) }, stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.push(proc);
    let stderr = '';
    proc.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
    const exited = new Promise<string>((resolve) => proc.on('exit', (code, signal) => resolve(String(signal ?? code))));
    return { proc, exited, stderr: () => stderr };
  }

  const versionCards = (u: string) => h.connector.delivered.filter((m) => m.conversationId === conversationOf(u) && kindOf(m.activity) === 'view').length;
  const overviews = () => h.connector.delivered.filter((m) => m.conversationId === conversationOf(users[0]!) && kindOf(m.activity) === 'coordinator').length;

  for (const n of [9, 20]) {
    it(`gives each contact exactly one card when killed as card ${n} was accepted but not answered`, async () => {
      h.connector.fault = (c) => (c.deliveredBefore < n - 1 ? undefined : c.deliveredBefore === n - 1 ? 'acceptThenHang' : 'hang');
      const first = child('first');
      h.connector.onDelivered = (_m, count) => {
        if (count === n) first.proc.kill('SIGKILL');
      };
      const how = await Promise.race([first.exited, new Promise<string>((r) => setTimeout(() => r('timeout'), 40_000))]);
      assert.equal(how, 'SIGKILL', `child ended with ${how}: ${first.stderr()}`);
      h.connector.onDelivered = undefined;
      h.connector.fault = () => undefined;
      assert.equal(h.connector.delivered.length, n, 'the connector holds exactly n messages at the kill');

      // The meeting asks again (its own retry after the crash): a second process finishes the work.
      const second = child('second');
      const deadline = Date.now() + 40_000;
      while (!(users.every((u) => versionCards(u) >= 1) && overviews() >= 1)) {
        if (Date.now() > deadline) throw new Error(`not finished: ${users.map(versionCards).join(',')} overview ${overviews()}; ${second.stderr()}`);
        await new Promise((r) => setTimeout(r, 100));
      }
      // Give a duplicate time to show before counting.
      await new Promise((r) => setTimeout(r, 1_500));
      assert.deepEqual(users.map(versionCards), Array(CONTACTS + 1).fill(1));
      assert.equal(overviews(), 1);
    });
  }
});
