/**
 * Limits shared across processes: three bot processes (child processes on one embedded store,
 * each with the real Bot Framework sender) dispatch 600 messages to one tenant – 590 invitations
 * to people and 10 posts to one channel – with limit sharing on. The connector fake records when
 * each message arrives. No one-second window may hold more than Teams' 50 per tenant, the channel
 * must stay within 7 per second and 8 per 2 s, every message must arrive exactly once, and all
 * three processes must have done part of the work. Without sharing, three processes would each
 * send at the full rate (about 120 per second together).
 */
import { strict as assert } from 'node:assert';
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import type { ChildConfig } from '../../../support/outboxChild';
import { conversationOf, invitation, OUTBOX_BOT_APP_ID, OUTBOX_TENANT } from '../../../support/outboxFixtures';
import { startOutboxHarness, type OutboxHarness } from '../../../support/outboxHarness';

const ROOT = path.resolve(__dirname, '../../../..');
const CHANNEL = '19:housing-unit-9@thread.tacv2';
const TEAM = '5e0c1a57-0000-4000-8000-00000000team';
const PEOPLE = 590;
const POSTS = 10;

function busiestWindow(times: number[], windowMs: number): number {
  const sorted = [...times].sort((a, b) => a - b);
  let best = 0;
  for (let i = 0, j = 0; i < sorted.length; i++) {
    while (sorted[i]! - sorted[j]! >= windowMs) j++;
    best = Math.max(best, i - j + 1);
  }
  return best;
}

describe('outbox limits shared by three processes on one store', function () {
  this.timeout(120_000);
  let h: OutboxHarness;
  const children: ChildProcess[] = [];

  before(async () => {
    h = await startOutboxHarness('outbox-shared');
  });
  after(async () => {
    for (const c of children) c.kill('SIGKILL');
    await h.close();
  });

  function spawnChild(instanceId: string): ChildProcess {
    const config: ChildConfig = {
      endpoint: h.cosmos.endpoint, key: h.cosmos.key, databaseId: h.databaseId, serviceUrl: h.serviceUrl,
      messageKey: 'unused', count: 0, leaseMs: 10_000, concurrency: 8, instanceId, heartbeatMs: 1_000, dispatchOnly: true,
      // Production's exactly-once: a slow answer on two busy cores is checked through Graph, not re-sent blindly.
      graphUrl: h.graphUrl, sendTimeoutMs: 3_000,
    };
    const proc = spawn(process.execPath, ['-r', 'tsx/cjs', path.join(ROOT, 'test/support/outboxChild.ts')], {
      cwd: ROOT, env: { ...process.env, OUTBOX_CHILD: JSON.stringify(config) }, stdio: ['ignore', process.env.OUTBOX_DEBUG ? 'inherit' : 'ignore', 'inherit'],
    });
    children.push(proc);
    return proc;
  }

  it('keeps the tenant under 50 per second and the channel under its limits together, delivering each of 600 messages once', async () => {
    const writer = h.outbox({ instanceId: 'writer' });
    const people = h.recipients(PEOPLE, 'h');
    await writer.enqueue('invite:shared', OUTBOX_TENANT, people);
    const channel = { serviceUrl: h.serviceUrl, channelId: 'msteams', conversation: { id: CHANNEL, conversationType: 'channel', tenantId: OUTBOX_TENANT }, bot: { id: `28:${OUTBOX_BOT_APP_ID}` } };
    h.graph.addChannel(TEAM, CHANNEL);
    for (let i = 0; i < POSTS; i++) await writer.enqueue(`post:unit-9:${i}`, OUTBOX_TENANT, [{ conversation: channel, teamId: TEAM, activity: invitation(`Besked ${i}`) }]);

    for (const id of ['p1', 'p2', 'p3']) spawnChild(id);
    await h.connector.waitUntil(() => h.connector.delivered.length >= PEOPLE + POSTS, 90_000, 'all 600 messages');
    await new Promise((r) => setTimeout(r, 500)); // nothing more may arrive
    for (const c of children) c.kill('SIGKILL');

    for (const r of people) assert.equal(h.connector.deliveredTo(conversationOf(r.userId)).length, 1, r.userId);
    assert.equal(h.connector.deliveredTo(CHANNEL).length, POSTS);
    assert.equal(h.connector.delivered.length, PEOPLE + POSTS, 'exactly once each');

    const all = h.connector.delivered.map((m) => m.at);
    const perSecond = busiestWindow(all, 1_000);
    const posts = h.connector.deliveredTo(CHANNEL).map((m) => m.at);
    const spanMs = Math.max(...all) - Math.min(...all);
    process.stdout.write(`      busiest second: ${perSecond} messages; channel: ${busiestWindow(posts, 1_000)}/s, ${busiestWindow(posts, 2_000)}/2 s; 600 in ${spanMs} ms\n`);
    if (process.env.OUTBOX_DEBUG) {
      const t0 = Math.min(...all);
      const buckets = new Map<number, number>();
      for (const t of all) buckets.set(Math.floor((t - t0) / 500), (buckets.get(Math.floor((t - t0) / 500)) ?? 0) + 1);
      process.stdout.write(`      t0 ${new Date(t0).toISOString()} per 500 ms: ${[...buckets.entries()].sort((a, b) => a[0] - b[0]).map(([k, v]) => `${k / 2}s:${v}`).join(' ')}\n`);
      const { resources: owners } = await h.container.items.query<{ id: string; claimedBy: string }>('SELECT c.id, c.claimedBy FROM c').fetchAll();
      const owner = new Map(owners.map((o) => [o.id, o.claimedBy]));
      const rows = h.connector.delivered.filter((m) => m.at - t0 < 4_000).map((m) => `${m.at - t0}:${owner.get(m.itemId ?? '')}`);
      process.stdout.write(`      first 4 s: ${rows.join(' ')}\n`);
    }
    assert.ok(perSecond <= 50, `${perSecond} messages to the tenant in one second`);
    assert.ok(busiestWindow(posts, 1_000) <= 7 && busiestWindow(posts, 2_000) <= 8, 'the channel stays within its limits');

    const { resources } = await h.container.items
      .query<{ claimedBy: string }>({ query: 'SELECT c.claimedBy FROM c WHERE c.tenantId = @t AND IS_DEFINED(c.messageKey)', parameters: [{ name: '@t', value: OUTBOX_TENANT }] })
      .fetchAll();
    const byInstance = new Map<string, number>();
    for (const r of resources) byInstance.set(r.claimedBy, (byInstance.get(r.claimedBy) ?? 0) + 1);
    assert.deepEqual([...byInstance.keys()].sort(), ['p1', 'p2', 'p3'], `work by ${JSON.stringify([...byInstance])}`);
  });
});
