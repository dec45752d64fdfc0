/**
 * One bot under test in a process of its own, so that the bot (with its
 * embedded Cosmos server) and the load generator do not share a core:
 * `echo` (the bare stack, echoBot.ts) or `samspil` (the real bot on the
 * embedded store, in memory). The parent (run.ts) drives it over HTTP and
 * asks it over IPC to seed data, to count Cosmos requests, and to stop.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { Session } from 'node:inspector';
import path from 'node:path';
import { BulkOperationType, type JSONObject, type OperationInput } from '@azure/cosmos';
import { loadConfig } from '../../src/config';
import { startBot, type RunningBot } from '../../src/compose';
import { silentLogger } from '../../src/platform/logger';
import { scheduleInputSchema, scheduleMeeting } from '../../src/meetings/domain/meeting';
import { CosmosMeetingStore } from '../../src/meetings/storage/meetingRepository';
import type { CarePlan } from '../../src/plans/domain/carePlan';
import { toStored } from '../../src/plans/storage/planRepository';
import { CosmosRequestLog } from '../support/cosmosRequests';
import { startEchoBot } from './echoBot';
import { benchPlan, benchTenant, type SeedRequest } from './seedData';

/** What the parent asks. */
export type BotCommand =
  | { type: 'seed'; seed: SeedRequest }
  | { type: 'countStart' }
  | { type: 'countTake' }
  | { type: 'profile'; on: boolean }
  | { type: 'sdkCost' }
  | { type: 'stop' };

const send = (message: unknown) => process.send?.(message);

/** Stores the plans of `seed` in bulk, in the repository's own document shape, and a meeting for each user's newest plan. */
async function seedPlans(bot: RunningBot, seed: SeedRequest): Promise<number> {
  const container = bot.store.containers.plans!;
  const newest = new Map<string, CarePlan>();
  let stored = 0;
  for (let t = 0; t < seed.tenants; t++) {
    const ops: OperationInput[] = [];
    const tenantId = benchTenant(t);
    for (let j = 0; j < seed.plansPerTenant; j++) {
      const plan = benchPlan(seed, t, j);
      const owner = plan.memberIds.find((id) => id.startsWith(seed.userPrefix));
      if (owner && (!newest.get(owner) || newest.get(owner)!.createdAt < plan.createdAt)) newest.set(owner, plan);
      ops.push({ operationType: BulkOperationType.Create, partitionKey: tenantId, resourceBody: JSON.parse(JSON.stringify(toStored(plan))) as JSONObject });
    }
    // A batch is one request of at most 100 operations within one partition.
    for (let i = 0; i < ops.length; i += 100) {
      const result = await container.items.batch(ops.slice(i, i + 100), tenantId);
      if (result.code && result.code >= 300) throw new Error(`seeding failed: ${result.code}`);
      stored += Math.min(100, ops.length - i);
    }
  }
  const meetings = new CosmosMeetingStore(bot.store.containers.meetings!);
  const input = scheduleInputSchema.parse({ date: '2099-01-15', time: '10:00', durationMinutes: '90', mode: 'inPerson', place: 'Bostedet', agenda: 'Velkomst\nRunde' });
  for (const [userId, plan] of newest) {
    const r = scheduleMeeting(plan, input, { userId, name: 'Bench' }, { meetingId: `m-${plan.id}`, timeZone: 'Europe/Copenhagen', now: new Date() });
    if (r.kind === 'ok') await meetings.create(r.meeting);
  }
  return stored;
}

/** CPU (ms) this process spends per Cosmos request of each kind, client and embedded server together. */
export interface SdkCost {
  read: number;
  write: number;
  query: number;
}

/**
 * Measures what one Cosmos request costs this process, the way the bot makes
 * them (10 at a time, a 2 KB document of its own partition in the drafts
 * container): a point read, a write (the mean of a replace and a create) and
 * a single-partition query (with the query-plan request the SDK sends beside
 * it). The floor of the mix is computed from these (run.ts).
 */
async function sdkCost(bot: RunningBot): Promise<SdkCost> {
  const container = bot.store.containers.drafts!;
  const tenantId = 'bench-sdk-cost';
  const doc = (id: string, v: number) => ({ id, tenantId, v, body: 'x'.repeat(2000) });
  await container.items.upsert(doc('probe', 0));
  let n = 0;
  const per = async (op: () => Promise<unknown>, count = 2000): Promise<number> => {
    for (let i = 0; i < 200; i += 10) await Promise.all(Array.from({ length: 10 }, op)); // warm
    const before = process.cpuUsage();
    for (let i = 0; i < count; i += 10) await Promise.all(Array.from({ length: 10 }, op));
    const used = process.cpuUsage(before);
    return (used.user + used.system) / 1000 / count;
  };
  const read = await per(() => container.item('probe', tenantId).read());
  // The query over a partition of one document, before any creates (the store scans a partition; its size must not weigh).
  const query = await per(() => container.items.query({ query: 'SELECT c.id, c.v FROM c WHERE c.v = @v', parameters: [{ name: '@v', value: 0 }] }, { partitionKey: tenantId }).fetchNext(), 1000);
  const replace = await per(() => container.item('probe', tenantId).replace(doc('probe', ++n)));
  // Created in a partition of their own, which no later phase reads.
  const create = await per(() => container.items.create({ ...doc(`c-${++n}`, n), tenantId: `${tenantId}-created` }));
  return { read, write: (replace + create) / 2, query };
}

let session: Session | undefined;
/**
 * BENCH_CPU_PROF=<dir>: a CPU profile of what the bot does while it is on
 * (the measured load only – not start-up, seeding or the echo bot's rounds).
 */
async function profile(on: boolean): Promise<void> {
  const dir = process.env.BENCH_CPU_PROF;
  if (!dir) return;
  const post = <T>(method: string) => new Promise<T>((resolve, reject) => session!.post(method, (err, r) => (err ? reject(err) : resolve(r as T))));
  if (on) {
    if (!session) {
      session = new Session();
      session.connect();
      await post('Profiler.enable');
    }
    await post('Profiler.start');
    return;
  }
  if (!session) return;
  const { profile: taken } = await post<{ profile: unknown }>('Profiler.stop');
  await mkdir(dir, { recursive: true });
  await writeFile(path.join(dir, `samspil-${process.pid}-${Date.now()}.cpuprofile`), JSON.stringify(taken));
}

async function main(): Promise<void> {
  // tsx maps every error's stack to the TypeScript source; a built bot (dist/) does not, and 412s are normal under load.
  process.setSourceMapsEnabled(false);
  // The bench gone (finished or killed): so is this bot.
  process.on('disconnect', () => process.exit(0));
  const kind = process.argv[2];
  const log = new CosmosRequestLog();
  if (kind === 'echo') {
    const http = await startEchoBot();
    process.on('message', async (m: BotCommand) => {
      if (m.type === 'stop') {
        await http.close();
        process.exit(0);
      }
    });
    send({ type: 'ready', port: http.port });
    return;
  }
  const config = loadConfig({ LOCAL_NO_AUTH: 'true', PORT: '0', EMBEDDED_COSMOS_IN_MEMORY: 'true', DATA_DIR: '.unused' });
  const bot = await startBot(config, silentLogger);
  process.on('message', async (m: BotCommand) => {
    try {
      switch (m.type) {
        case 'seed': {
          const started = Date.now();
          const plans = await seedPlans(bot, m.seed);
          send({ type: 'seeded', plans, ms: Date.now() - started });
          break;
        }
        case 'countStart':
          // Counting costs a little per request: it runs only when asked, never during the load phases.
          log.start().keep();
          log.background.splice(0);
          send({ type: 'counting' });
          break;
        case 'countTake':
          send({ type: 'counted', costs: log.take(), background: log.background.splice(0) });
          break;
        case 'sdkCost':
          send({ type: 'sdkCosted', ...(await sdkCost(bot)) });
          break;
        case 'profile':
          await profile(m.on);
          send({ type: 'profiled' });
          break;
        case 'stop':
          log.stop();
          await bot.stop();
          process.exit(0);
      }
    } catch (err) {
      send({ type: 'error', message: err instanceof Error ? err.message : String(err) });
    }
  });
  send({ type: 'ready', port: bot.http.port });
}

void main();
