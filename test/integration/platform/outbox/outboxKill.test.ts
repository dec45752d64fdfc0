/**
 * Kill mid-fan-out: a child process enqueues and dispatches a 20-recipient fan-out through the real
 * Bot Framework sender; the connector fake (in this process) accepts the Nth message but never
 * answers – the worst moment: Teams has the message, the outbox has no 'sent' – and the child is
 * SIGKILLed right then. A new dispatcher on the same store then finishes the fan-out, asking the
 * Graph fake (which serves the chats from what the connector recorded) before re-sending anything
 * that was in flight. Every recipient must end with exactly one message.
 */
import { strict as assert } from 'node:assert';
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { outboxItemId } from '../../../../src/platform/outbox/keys';
import type { OutboxItem } from '../../../../src/platform/outbox/model';
import type { ChildConfig } from '../../../support/outboxChild';
import { conversationOf, OUTBOX_TENANT } from '../../../support/outboxFixtures';
import { events, startOutboxHarness, tickUntil, type OutboxHarness } from '../../../support/outboxHarness';

const ROOT = path.resolve(__dirname, '../../../..');
const FAN_OUT = 20;

describe('outbox: a process killed in the middle of a fan-out', function () {
  this.timeout(60_000);
  let h: OutboxHarness;
  let child: ChildProcess | undefined;

  beforeEach(async () => {
    h = await startOutboxHarness('outbox-kill');
    h.recipients(FAN_OUT); // the same users the child enqueues, with their 1:1 chats known to the Graph fake
  });
  afterEach(async () => {
    child?.kill('SIGKILL');
    await h.close();
  });

  /** Runs the child until the connector has accepted (and not answered) message `n`; SIGKILLs it then. */
  async function killAtMessage(n: number, messageKey: string): Promise<void> {
    h.connector.fault = (c) => (c.deliveredBefore < n - 1 ? undefined : c.deliveredBefore === n - 1 ? 'acceptThenHang' : 'hang');
    const config: ChildConfig = {
      endpoint: h.cosmos.endpoint, key: h.cosmos.key, databaseId: h.databaseId, serviceUrl: h.serviceUrl,
      messageKey, count: FAN_OUT, leaseMs: 2_000, concurrency: 4,
    };
    const proc = spawn(process.execPath, ['-r', 'tsx/cjs', path.join(ROOT, 'test/support/outboxChild.ts')], {
      cwd: ROOT, env: { ...process.env, OUTBOX_CHILD: JSON.stringify(config) }, stdio: ['ignore', 'pipe', 'pipe'],
    });
    child = proc;
    let stderr = '';
    proc.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
    const exited = new Promise<NodeJS.Signals | number | null>((resolve) => proc.on('exit', (code, signal) => resolve(signal ?? code)));
    h.connector.onDelivered = (_m, count) => {
      if (count === n) proc.kill('SIGKILL');
    };
    const how = await Promise.race([exited, new Promise((r) => setTimeout(() => r('timeout'), 30_000))]);
    assert.equal(how, 'SIGKILL', `child ended with ${String(how)}: ${stderr}`);
    h.connector.onDelivered = undefined;
    h.connector.fault = () => undefined;
    assert.equal(h.connector.delivered.length, n, 'the connector holds exactly n messages at the kill');
  }

  async function recover(messageKey: string, withVerifier: boolean): Promise<void> {
    const outbox = h.outbox({ instanceId: 'recovery', ...(withVerifier ? {} : { verifier: false }) });
    // The activity that started the fan-out is retried by Teams as well: nothing new may appear.
    const again = await outbox.enqueue(messageKey, OUTBOX_TENANT, h.recipients(FAN_OUT));
    assert.deepEqual([again.created, again.existing], [0, FAN_OUT]);
    await tickUntil(outbox, async () => (await outbox.status(OUTBOX_TENANT, messageKey)).counts.sent === FAN_OUT, 20_000);
  }

  const messageCounts = (): number[] =>
    h.recipients(FAN_OUT).map((r) => h.connector.deliveredTo(conversationOf(r.userId)).length);

  for (const n of [1, 7, 19]) {
    it(`delivers every recipient exactly once when killed as message ${n} was accepted but not answered`, async () => {
      const key = `invite:kill-${n}`;
      await killAtMessage(n, key);
      const hung = h.connector.delivered[n - 1]!;
      await recover(key, true);
      assert.deepEqual(messageCounts(), Array(FAN_OUT).fill(1));
      const { resources } = await h.container.items
        .query<OutboxItem>({ query: 'SELECT * FROM c WHERE c.id = @id', parameters: [{ name: '@id', value: hung.itemId! }] })
        .fetchAll();
      assert.equal(resources[0]!.verifiedDelivery, true, 'the in-flight message was found through Graph, not re-sent');
      assert.equal(resources[0]!.activityId, hung.activityId);
      assert.ok(h.graph.requests.some((u) => u.includes('/chats/')), 'the verifier read the chat');
      assert.equal(events(h.logs, 'outbox.possibleDuplicate').length, 0);
    });
  }

  it('without a verifier, re-sends what was in flight at the kill and logs each (the documented trade-off)', async () => {
    const key = 'invite:kill-no-verifier';
    await killAtMessage(7, key);
    const hung = h.connector.delivered[6]!;
    await recover(key, false);
    const list = h.recipients(FAN_OUT);
    const counts = messageCounts();
    assert.ok(counts.every((c) => c === 1 || c === 2), 'nobody is missed; nothing goes out more than twice');
    assert.equal(counts[list.findIndex((r) => conversationOf(r.userId) === hung.conversationId)], 2, 'the accepted-but-unanswered message went out twice');
    // Messages answered 200 whose 'sent' write the kill prevented are in doubt too, and re-sent as well.
    const doubled = list.filter((_, i) => counts[i] === 2).map((r) => outboxItemId(OUTBOX_TENANT, key, r.userId));
    const warned = new Set(events(h.logs, 'outbox.possibleDuplicate').map((e) => e.itemId));
    assert.ok(doubled.every((id) => warned.has(id)), 'every duplicate is logged with its item id');
  });
});
