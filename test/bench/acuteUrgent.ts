/**
 * The acute line under load: an urgent post to 30 housing units' channels through the real
 * AcuteService, notifier and outbox (production defaults, limits shared) on the embedded store,
 * while a 1,000-recipient invitation fan-out saturates the same tenant. Sends take 20 ms, as a
 * fast connector would. Measures the time from `post()` to the 30th channel post sent, and the
 * most sends the whole tenant made in any one second (Teams allows 50/s per app and tenant) and
 * in any one channel.
 */
import { performance } from 'node:perf_hooks';
import { CosmosClient } from '@azure/cosmos';
import { AcuteService } from '../../src/acute/domain/acuteService';
import { newUnit, registrationInputSchema } from '../../src/acute/domain/acute';
import { OutboxAcuteNotifier } from '../../src/acute/notify/acuteNotifier';
import { CosmosAcuteStore } from '../../src/acute/storage/acuteRepository';
import { ALL_CONTAINERS } from '../../src/capabilities';
import { CosmosAuditLog } from '../../src/platform/audit/auditRepository';
import { systemEnvironment } from '../../src/platform/environment';
import { silentLogger } from '../../src/platform/logger';
import { createOutbox } from '../../src/platform/outbox/outbox';
import { ensureContainers } from '../../src/platform/storage/containers';
import { startEmbeddedCosmos } from '../../src/platform/storage/embedded/embeddedCosmos';

export interface AcuteUrgentResult {
  /** post() → the 30th channel post sent. */
  allSentMs: number;
  /** post() → the first channel post sent. */
  firstSentMs: number;
  /** Most sends by the tenant (bulk and urgent) in any one-second window. */
  maxTenantPerSecond: number;
  /** Most sends into one conversation in any one-second window. */
  maxConversationPerSecond: number;
  bulkSentBefore: number;
}

const TENANT = '72f988bf-0000-4000-8000-000000000001';

/** Runs the scenario once with `units` channels. */
export async function acuteUrgentDuringFanOut(units = 30): Promise<AcuteUrgentResult> {
  const cosmos = await startEmbeddedCosmos({ logger: silentLogger });
  const client = new CosmosClient(cosmos.clientOptions());
  try {
    const c = await ensureContainers(client, 'bench-acute', ALL_CONTAINERS);
    const sends: { at: number; conversation: string }[] = [];
    const channelSentAt = new Map<string, number>();
    let bulkSent = 0;
    const outbox = createOutbox({
      container: c.outbox, logger: silentLogger, sharing: {},
      sender: {
        send: async (reference) => {
          await new Promise((r) => setTimeout(r, 20));
          const id = reference.conversation?.id ?? '';
          const at = performance.now();
          sends.push({ at, conversation: id });
          if (id.startsWith('19:')) channelSentAt.set(id, at);
          else bulkSent++;
          return { ok: true, activityId: `sent-${sends.length}` };
        },
      },
    });
    const env = systemEnvironment(() => 'KIP-BENC-H000');
    const store = new CosmosAcuteStore(c.acute);
    const service = new AcuteService({
      store, env, logger: silentLogger, audit: new CosmosAuditLog(c.audit),
      team: { isMember: async () => true, channelId: undefined },
      notifier: new OutboxAcuteNotifier({ outbox, logger: silentLogger }),
      escalations: { schedule: async () => undefined },
    });
    const ids: string[] = [];
    for (let i = 0; i < units; i++) {
      const id = service.unitIdOf(TENANT, `19:unit-${i}@thread.tacv2`);
      ids.push(id);
      await store.putUnit(newUnit(id, TENANT, registrationInputSchema.parse({ name: `Bosted ${i}`, tagId: `tag-${i}`, tagName: 'Nattevagt', escalationMinutes: '10' }), { conversationId: `19:unit-${i}@thread.tacv2`, serviceUrl: 'http://127.0.0.1:9/' }, 'owner', new Date()));
    }
    const card = { type: 'AdaptiveCard', version: '1.5', body: [{ type: 'TextBlock', text: 'Invitation' }] };
    await outbox.enqueue('bench:acute:big', TENANT, Array.from({ length: 1_000 }, (_, i) => ({
      userId: `user-${i}`, reference: { serviceUrl: 'http://127.0.0.1:9/', channelId: 'msteams', conversation: { id: `a:${i}`, tenantId: TENANT } },
      activity: { type: 'message' as const, attachments: [{ contentType: 'application/vnd.microsoft.card.adaptive' as const, content: card }] },
    })));
    outbox.start();
    while (bulkSent < 100) await new Promise((r) => setTimeout(r, 20));
    const bulkSentBefore = bulkSent;
    const start = performance.now();
    const result = await service.post(TENANT, { units: 'all', text: 'Akut: ring til akutteamet', urgency: 'urgent', whatToDo: 'Ring tilbage', planReference: 'KIP-7K3M-Q2XD' }, { kind: 'system', appId: 'bench' }, 'bench-1');
    if (result.kind !== 'accepted') throw new Error(`post answered ${result.kind}`);
    while (channelSentAt.size < units) {
      if (performance.now() - start > 30_000) throw new Error(`only ${channelSentAt.size} of ${units} channel posts sent in 30 s`);
      await new Promise((r) => setTimeout(r, 5));
    }
    const times = [...channelSentAt.values()];
    if (bulkSent >= 1_000) throw new Error('the fan-out finished before the urgent post was measured');
    await outbox.stop();
    return {
      allSentMs: Math.max(...times) - start,
      firstSentMs: Math.min(...times) - start,
      maxTenantPerSecond: maxInWindow(sends.map((s) => s.at), 1_000),
      maxConversationPerSecond: Math.max(...[...groupBy(sends)].map(([, at]) => maxInWindow(at, 1_000))),
      bulkSentBefore,
    };
  } finally {
    client.dispose();
    await cosmos.close();
  }
}

function groupBy(sends: { at: number; conversation: string }[]): Map<string, number[]> {
  const out = new Map<string, number[]>();
  for (const s of sends) out.set(s.conversation, [...(out.get(s.conversation) ?? []), s.at]);
  return out;
}

/** The most timestamps inside any window of `ms`. */
function maxInWindow(times: number[], ms: number): number {
  const sorted = [...times].sort((a, b) => a - b);
  let best = 0;
  for (let i = 0, j = 0; i < sorted.length; i++) {
    while (sorted[i]! - sorted[j]! >= ms) j++;
    best = Math.max(best, i - j + 1);
  }
  return best;
}

// Run alone: npx tsx test/bench/acuteUrgent.ts
if (require.main === module) {
  acuteUrgentDuringFanOut().then((r) => process.stdout.write(`${JSON.stringify(r)}\n`), (err) => {
    process.stderr.write(`${String(err)}\n`);
    process.exit(2);
  });
}
