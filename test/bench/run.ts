/**
 * `npm run bench`: Samspil side by side with a bare echo bot on the same stack,
 * in one run, against targets; prints one table and exits 1 if a target is
 * missed. Each bot under load runs in a process of its own (botProcess.ts);
 * this process plays Teams (the load and a fake connector).
 *
 *  1. the realistic mix (scenario.ts) at 50 conversations, closed loop, in
 *     alternating rounds with the echo bot (the machine is shared: rounds
 *     spread any disturbance over both);
 *  2. Cosmos round trips per action, counted (test/support/cosmosRequests.ts);
 *  3. the idle bot's Cosmos requests per second (while this process measures
 *     the guide step p95 and the 200-invitation fan-out, as before);
 *  4. "mine planer" at 10 × 100 and 50 × 1,000 plans (50 users, each in 10);
 *  7. a meeting's new version to 50 contacts (distribution.ts).
 *
 *  8. the live meeting card's section save (meetingRecordBench.ts).
 *
 * BENCH_CPU_PROF=<dir> writes a CPU profile of each measured round of the mix (Samspil) there.
 * BENCH_MIX_ONLY=help|mine|guide|answer makes every step of the mix that action.
 * Both bots run with the Node flags of `npm run start:prod`; BENCH_NODE_ARGS="--flag …" replaces them.
 * BENCH_PHASES=mix,counts,idle,scale,guide,fanout,durable,urgent,acute,deviation,distribution,record runs a subset (all by default).
 */
import { fork, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { CosmosClient } from '@azure/cosmos';
import { silentLogger } from '../../src/platform/logger';
import { createOutbox } from '../../src/platform/outbox/outbox';
import { ensureContainers } from '../../src/platform/storage/containers';
import { startEmbeddedCosmos } from '../../src/platform/storage/embedded/embeddedCosmos';
import { startCosmosRequestCounter } from '../support/cosmosRequestCounter';
import type { BotRequestCost, CosmosRequest } from '../support/cosmosRequests';
import { ManualClock } from '../support/outboxFixtures';
import { NINA, TENANT, TestBot, TestUser, actionData, cardsOf, inChatOf, walkGuide } from '../support/testBot';
import { acuteUrgentDuringFanOut } from './acuteUrgent';
import type { BotCommand, SdkCost } from './botProcess';
import { distributionToContacts } from './distribution';
import { LoadResult, mergeLoads, percentile, runLoad } from './load';
import { BENCH_CITIZEN, BENCH_CONSENT, MixUser, echoStep, echoUsers, emailOf, mixStep, prepareMix, random } from './scenario';
import { benchUsers, type SeedRequest } from './seedData';
import { deviationReportLatencies } from './deviationBench';
import { measureRecordSaves } from './meetingRecordBench';

/** The targets; each says where it comes from. */
const TARGETS = {
  /** The mix's throughput at least half the bare stack's (issue #6). */
  mixThroughputRatio: 0.5,
  /**
   * A card action: read, conditional write, audit entry (issue #6: ≤ 3); a guide step needs no read
   * when this process wrote the draft last (its copy with that ETag, src/platform/storage/documentCache.ts): 2.
   */
  guideStepRoundTrips: 2,
  /** help answers from the card alone (issue #6). */
  helpRoundTrips: 0,
  /**
   * "mine planer" (a read-only command): the plans query and the one meetings
   * query (issue #6: ≤ 2). Its looks are audited, once per window: a look this
   * process saw recorded costs nothing again (src/platform/audit/auditTrail.ts).
   */
  myPlansRoundTrips: 2,
  /** With ten plans: the same two queries (issue #6: the cost follows what is shown, not one request per plan). */
  myPlansQueries: 2,
  /**
   * An invitation answer: a card action – read, conditional write, audit (issue #6: ≤ 3). The read is the
   * plan's (always fresh: consent, network); the meeting comes from this process's last write (documentCache.ts).
   */
  invitationAnswerRoundTrips: 3,
  /** "mine planer" p99 at 50 users on the embedded store (issue #6). */
  scaleP99Ms: 100,
  /** The large set's p50 within this factor of the small one's: flat. */
  scaleFlatFactor: 3,
  /** Cosmos requests per second of an idle instance (issue #6; needs the outbox/scheduler polling work). */
  idleRequestsPerSecond: 1,
  guideStepP95Ms: 150,
  myPlansP95Ms: 250,
  /** The whole plan on one card, and saving an edit (ETag update, audit, the card again). */
  planCardP95Ms: 250,
  planEditP95Ms: 250,
  fanOut200Ms: 6000,
  /** A write acknowledged only after its fsync (the embedded store's promise). */
  durableWriteP95Ms: 100,
  /** An urgent message while a 1,000-recipient fan-out saturates the tenant. */
  urgentP95Ms: 2000,
  /** The acute line: one urgent post to 30 units' channels during the same fan-out, post() → all 30 sent. */
  acuteAllSentMs: 3000,
  /** Teams: 50 requests/s per app and tenant. */
  tenantPerSecond: 50,
  /** A deviation report → the coordinator's card sent (issue #10). */
  deviationReportP95Ms: 1000,
  /** A meeting's new version: the meeting's call → the last of 50 contacts' cards and the coordinator's sent (issue #9). */
  versionTo50Ms: 3000,
  /** Saving one section of the live meeting card (issue #9). */
  meetingRecordSaveP95Ms: 150,
};

const PHASES = new Set((process.env.BENCH_PHASES ?? 'mix,counts,idle,scale,guide,fanout,durable,urgent,acute,deviation,distribution,record').split(',').map((s) => s.trim()));
const USERS = 50;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const ROUND_SECONDS = Number(process.env.BENCH_ROUND_SECONDS ?? 4);
const IDLE_SECONDS = Number(process.env.BENCH_IDLE_SECONDS ?? 20);
const IDLE_SETTLE_SECONDS = Number(process.env.BENCH_IDLE_SETTLE_SECONDS ?? 15);
const SCALE_SECONDS = Number(process.env.BENCH_SCALE_SECONDS ?? 12);
/** A request slower than this at scale ends the size's measurement (the bot's process is killed). */
const SCALE_GIVE_UP_MS = 15_000;

// ---------------------------------------------------------------- output

type Status = 'PASS' | 'FAIL' | 'INFO' | 'TODO';
interface Row {
  status: Status;
  measure: string;
  value: string;
  reference?: string;
  target?: string;
  note?: string;
}
const rows: Row[] = [];
const sections: { title: string; rows: Row[] }[] = [];
function section(title: string): void {
  sections.push({ title, rows: [] });
}
function row(r: Row): void {
  rows.push(r);
  sections[sections.length - 1]!.rows.push(r);
}
const check = (ok: boolean): Status => (ok ? 'PASS' : 'FAIL');
const ms = (v: number) => (Number.isFinite(v) ? `${v.toFixed(v < 10 ? 1 : 0)} ms` : '—');

function print(elapsedS: number): void {
  const w = { status: 5, measure: 50, value: 26, reference: 24, target: 16 };
  const line = '─'.repeat(w.status + w.measure + w.value + w.reference + w.target + 8);
  const out: string[] = [];
  out.push('', `Samspil bench – ${new Date().toISOString().slice(0, 16)}Z, ${elapsedS.toFixed(0)} s; embedded Cosmos in memory; each bot in its own process (Node ${BOT_NODE_ARGS.join(' ') || 'defaults'})`, line);
  out.push(`${'     '.padEnd(w.status)}  ${'measure'.padEnd(w.measure)}  ${'Samspil'.padEnd(w.value)}  ${'echo bot / ref.'.padEnd(w.reference)}  target`);
  for (const s of sections) {
    if (s.rows.length === 0) continue;
    out.push(line, s.title);
    for (const r of s.rows) {
      out.push(`${r.status.padEnd(w.status)}  ${r.measure.padEnd(w.measure)}  ${r.value.padEnd(w.value)}  ${(r.reference ?? '').padEnd(w.reference)}  ${r.target ?? ''}`);
      if (r.note) out.push(`${' '.repeat(w.status + 4)}${r.note}`);
    }
  }
  const failed = rows.filter((r) => r.status === 'FAIL');
  out.push(line, failed.length ? `FAILED: ${failed.length} target(s) missed – ${failed.map((r) => r.measure.trim()).join('; ')}` : 'All targets met.', '');
  process.stdout.write(out.join('\n'));
}

// ---------------------------------------------------------------- bot processes

interface BotChild {
  port: number;
  child: ChildProcess;
  ask<T>(command: BotCommand, answer: string, timeoutMs?: number): Promise<T>;
  stop(): Promise<void>;
}

/**
 * Both bots run with production's Node flags – those of `npm run start:prod`
 * (the same on App Service: test/unit/appPackage/deployment.test.ts) –, or
 * with BENCH_NODE_ARGS instead when it is set (to try others).
 */
const BOT_NODE_ARGS: string[] = (() => {
  if (process.env.BENCH_NODE_ARGS !== undefined) return process.env.BENCH_NODE_ARGS.split(' ').filter(Boolean);
  const startProd = (JSON.parse(readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts['start:prod'] ?? '';
  return startProd.split(/\s+/).filter((arg) => arg.startsWith('--'));
})();

/** Starts a bot in its own process (tsx), resolving once it listens. */
async function spawnBot(kind: 'echo' | 'samspil'): Promise<BotChild> {
  const child = fork(path.join(__dirname, 'botProcess.ts'), [kind], { execArgv: ['--import', 'tsx', ...BOT_NODE_ARGS], stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  const next = <T>(type: string, timeoutMs = 120_000) =>
    new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${kind} bot: no "${type}" within ${timeoutMs} ms`)), timeoutMs);
      const on = (m: { type: string; message?: string }) => {
        if (m.type !== type && m.type !== 'error') return;
        clearTimeout(timer);
        child.off('message', on);
        if (m.type === 'error') reject(new Error(`${kind} bot: ${m.message}`));
        else resolve(m as T);
      };
      child.on('message', on);
    });
  const { port } = await next<{ port: number }>('ready');
  return {
    port,
    child,
    ask: <T>(command: BotCommand, answer: string, timeoutMs?: number) => {
      const reply = next<T>(answer, timeoutMs);
      child.send(command);
      return reply;
    },
    stop: async () => {
      if (child.exitCode !== null || child.signalCode) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.send({ type: 'stop' } satisfies BotCommand);
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** CPU time (ms) a process has used so far, from /proc (Linux); NaN elsewhere. */
function cpuMsOf(pid: number | undefined): number {
  try {
    // Fields 14 and 15 of /proc/<pid>/stat: user and system time in clock ticks (100 per second on Linux).
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
  } catch {
    return Number.NaN;
  }
}

/** Runs `load` and adds the CPU time the bot's process spent on it. */
async function withCpu(child: BotChild, load: () => Promise<LoadResult>): Promise<LoadResult & { cpuMs: number }> {
  const before = cpuMsOf(child.child.pid);
  const result = await load();
  return { ...result, cpuMs: cpuMsOf(child.child.pid) - before };
}

/** Rejects after `ms`. */
function within<T>(p: Promise<T>, limitMs: number, what: string): Promise<T> {
  return Promise.race([p, new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`${what} took over ${limitMs} ms`)), limitMs))]);
}

const roundTrips = (r: readonly CosmosRequest[]) => r.filter((x) => x.kind !== 'queryPlan');
function breakdown(r: readonly CosmosRequest[]): string {
  const n = new Map<string, number>();
  for (const x of roundTrips(r)) n.set(`${x.container} ${x.kind}`, (n.get(`${x.container} ${x.kind}`) ?? 0) + 1);
  return [...n].map(([k, v]) => (v > 1 ? `${k} ×${v}` : k)).join(', ');
}

// ---------------------------------------------------------------- 1. the mix

async function mixPhase(samspil: BotChild, client: TestBot, users: MixUser[], echo: BotChild): Promise<void> {
  section(`1. Realistic mix, ${USERS} conversations, closed loop (help 10 %, "mine planer" 30 %, guide step 40 %, invitation answer 20 %), ${ROUNDS} × ${ROUND_SECONDS} s each, alternating`);
  const echoClient = await new TestBot().attach(echo.port);
  echoClient.connector.recording = false;
  client.connector.recording = false;
  const eUsers = echoUsers(USERS);
  try {
    const samspilLoad = (seconds: number, seed: number) => {
      const rnd = random(seed);
      return runLoad({ users: USERS, seconds, step: (u) => mixStep(client, users[u]!, rnd()) });
    };
    const echoLoad = (seconds: number, seed: number) => {
      const rnd = random(seed);
      return runLoad({ users: USERS, seconds, step: (u) => echoStep(echoClient, eUsers[u]!, rnd()) });
    };
    await echoLoad(1.5, 1); // warm-up: JIT, connections
    await samspilLoad(1.5, 1);
    const s: (LoadResult & { cpuMs: number })[] = [];
    const e: (LoadResult & { cpuMs: number })[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      e.push(await withCpu(echo, () => echoLoad(ROUND_SECONDS, 100 + i)));
      await samspil.ask({ type: 'profile', on: true }, 'profiled');
      s.push(await withCpu(samspil, () => samspilLoad(ROUND_SECONDS, 100 + i)));
      await samspil.ask({ type: 'profile', on: false }, 'profiled');
    }
    const S = mergeLoads(s);
    const E = mergeLoads(e);
    // CPU per request in the bot's own process: steadier than throughput on a shared machine.
    const cpuPerRequest = (runs: { cpuMs: number; requests: number }[]) => runs.reduce((n, r) => n + r.cpuMs, 0) / runs.reduce((n, r) => n + r.requests, 0);
    const sCpu = cpuPerRequest(s);
    const eCpu = cpuPerRequest(e);
    const ratio = S.throughput / E.throughput;
    mixFacts = { echoCpu: eCpu, shares: new Map([...S.byAction].map(([action, samples]) => [action, samples.length / S.requests])) };
    row({ status: check(ratio >= TARGETS.mixThroughputRatio && S.errors === 0), measure: 'throughput', value: `${S.throughput.toFixed(0)} req/s (${ratio.toFixed(2)}×)`, reference: `${E.throughput.toFixed(0)} req/s`, target: `≥ ${TARGETS.mixThroughputRatio}× echo`, note: S.errors || E.errors ? `errors: Samspil ${S.errors}, echo ${E.errors}` : undefined });
    row({ status: 'INFO', measure: 'bot process CPU per request (incl. its Cosmos)', value: `${ms(sCpu)} (${(eCpu / sCpu).toFixed(2)}×)`, reference: ms(eCpu) });
    row({ status: 'INFO', measure: 'latency p50 / p99', value: `${ms(percentile(S.latencies, 50))} / ${ms(percentile(S.latencies, 99))}`, reference: `${ms(percentile(E.latencies, 50))} / ${ms(percentile(E.latencies, 99))}` });
    for (const [action, samples] of [...S.byAction].sort()) {
      row({ status: 'INFO', measure: `  ${action} p50 / p99 (n=${samples.length})`, value: `${ms(percentile(samples, 50))} / ${ms(percentile(samples, 99))}` });
    }
  } finally {
    await echoClient.stop();
    client.connector.recording = true;
  }
}

/** What the mix measured, for its floor (countPhase): the echo bot's CPU per request and each action's share. */
let mixFacts: { echoCpu: number; shares: Map<string, number> } | undefined;

/**
 * The floor of the mix: the echo bot's CPU per request plus, per action, the
 * Cosmos requests counted for it at what one request of that kind costs the
 * bot's process (measured there, client and embedded server) – as if Samspil
 * did nothing of its own (no card, no check, no audit logic) but the echo
 * bot's work and its round trips. No code above that floor can reach a ratio
 * above echo ÷ floor: it says how much of the target is in reach.
 */
function mixFloor(sdk: SdkCost, counted: Map<string, readonly CosmosRequest[]>): { cpu: number; parts: string[] } {
  const costOf = (r: readonly CosmosRequest[]) => r.reduce((n, x) => n + (x.kind === 'queryPlan' ? 0 : x.kind === 'query' ? sdk.query : sdk[x.kind]), 0);
  let cpu = mixFacts!.echoCpu;
  const parts: string[] = [];
  for (const [action, share] of mixFacts!.shares) {
    const cost = costOf(counted.get(action) ?? []);
    cpu += share * cost;
    parts.push(`${action} ${(100 * share).toFixed(0)} % × ${ms(cost)}`);
  }
  return { cpu, parts };
}

// ---------------------------------------------------------------- 2. round trips per action

async function countPhase(samspil: BotChild, client: TestBot, users: MixUser[]): Promise<void> {
  section('2. Cosmos round trips per action, counted at the embedded server (HTTP requests incl. the SDK\'s query-plan requests in brackets; steady state)');
  const [o0, o1, o2, o3] = users.filter((u) => u.organiser);
  const [c0, c1] = users.filter((u) => !u.organiser);
  // O0 gets ten plans in all, through the guide.
  for (let i = 0; i < 9; i++) await walkGuide(client, o0!.user, { consent: BENCH_CONSENT, citizen: { ...BENCH_CITIZEN, name: `Borger 0-${i}` }, contacts: [{ name: 'Kontakt', role: 'Rolle', sector: 'municipality' }] });
  await client.say(o0!.user, 'mine planer'); // after a create, the first list also looks for a plan left pending
  await samspil.ask({ type: 'countStart' }, 'counting');
  // Steady state: the mix before leaves the outbox sending for a while (organiser cards at Teams' limits); counting starts once a second passes with next to nothing.
  let settled = false;
  for (let waited = 0; waited < 30 && !settled; waited++) {
    await new Promise((r) => setTimeout(r, 1_000));
    const { background } = await samspil.ask<{ background: CosmosRequest[] }>({ type: 'countTake' }, 'counted');
    settled = roundTrips(background).length <= 2;
  }
  if (!settled) row({ status: 'INFO', measure: 'NOTE: the outbox was still busy after 30 s', value: 'counts below may include it' });
  const measure = async (label: string, fn: (bot: TestBot) => Promise<unknown>) => {
    await fn(client.labelled(label));
    const { costs } = await samspil.ask<{ costs: BotRequestCost[] }>({ type: 'countTake' }, 'counted');
    const mine = costs.filter((c) => c.label === label);
    return mine[mine.length - 1]?.requests ?? [];
  };
  const show = (measureName: string, r: CosmosRequest[], target: number | undefined, targetText?: string, ok?: boolean) =>
    row({
      status: target === undefined && ok === undefined ? 'INFO' : check(ok ?? roundTrips(r).length <= target!),
      measure: measureName,
      value: `${roundTrips(r).length} (${r.length})`,
      target: targetText ?? (target === undefined ? '' : `≤ ${target}`),
      note: breakdown(r) || 'no Cosmos request',
    });

  await client.say(o1!.user, 'hjælp');
  // Each mix action's requests (the answer's with what it leaves to do in the background), for the mix's floor.
  const counted = new Map<string, readonly CosmosRequest[]>();
  const keep = (action: string, r: CosmosRequest[]) => (counted.set(action, [...(counted.get(action) ?? []), ...r]), r);
  show('help', keep('help', await measure('help', (b) => b.say(o1!.user, 'hjælp'))), TARGETS.helpRoundTrips, `= ${TARGETS.helpRoundTrips}`);
  await client.say(c0!.user, 'mine planer');
  show('"mine planer", 1 plan with a meeting', keep('mine planer', await measure('mine planer 1', (b) => b.say(c0!.user, 'mine planer'))), TARGETS.myPlansRoundTrips);
  show('"mine planer", 10 plans', await measure('mine planer 10', (b) => b.say(o0!.user, 'mine planer')), TARGETS.myPlansQueries);
  const step = async (b: TestBot, m: MixUser) => {
    m.guide = (await b.execute(m.user, 'guide', { ...actionData(m.guide, m.atMasterData ? 'masterData' : 'back'), ...(m.atMasterData ? BENCH_CITIZEN : {}) })).card!;
    m.atMasterData = !m.atMasterData;
  };
  await step(client, o1!);
  show('guide step', keep('guide step', await measure('guide step', (b) => step(b, o1!))), TARGETS.guideStepRoundTrips);
  // Two answers first, the second surely a change (the mix may have left either): the click after them is the steady state.
  await client.execute(c1!.user, 'invitation', actionData(c1!.invitation, 'apologies'));
  await client.execute(c1!.user, 'invitation', actionData(c1!.invitation, 'accept'));
  await new Promise((r) => setTimeout(r, 1_000)); // the organiser card's refresh of those two
  await samspil.ask({ type: 'countTake' }, 'counted'); // background so far set aside
  show('invitation answer', keep('invitation answer', await measure('answer', (b) => b.execute(c1!.user, 'invitation', actionData(c1!.invitation, 'apologies')))), TARGETS.invitationAnswerRoundTrips);
  // Not the click's, but not free: the organiser card's refresh (status, update) and its delivery, queued after the answer.
  await new Promise((r) => setTimeout(r, 1_000));
  const after = (await samspil.ask<{ background: CosmosRequest[] }>({ type: 'countTake' }, 'counted')).background;
  show('  then in the background, within 1 s', keep('invitation answer', after), undefined); // the card's refresh, its delivery, any polling
  if (mixFacts) {
    const sdk = await samspil.ask<SdkCost & { type: string }>({ type: 'sdkCost' }, 'sdkCosted');
    const floor = mixFloor(sdk, counted);
    row({
      status: 'INFO',
      measure: 'the mix\'s floor: echo bot + its Cosmos requests',
      value: `${ms(floor.cpu)} per request → ≤ ${(mixFacts.echoCpu / floor.cpu).toFixed(2)}×`,
      reference: `read ${sdk.read.toFixed(2)}, write ${sdk.write.toFixed(2)}, query ${sdk.query.toFixed(2)} ms`,
      note: `an estimate of the best ratio Samspil could reach doing nothing of its own but these requests (CPU per request kind, client + embedded server; CPU, so a bound on throughput only while the bot's core is the bottleneck): ${floor.parts.join('; ')}`,
    });
  }
  const [overview] = cardsOf(inChatOf(o2!.user, await client.say(o2!.user, 'mine planer')));
  show('organiser card opened', await measure('organiser', (b) => b.execute(o2!.user, 'meeting', actionData(overview, 'organiserView'))), undefined);
  const review = await walkGuide(client, o3!.user, { consent: BENCH_CONSENT, citizen: BENCH_CITIZEN, contacts: [{ name: 'Kontakt', role: 'Rolle', sector: 'municipality' }] }, false);
  let created: Record<string, unknown> = {};
  show('plan created', await measure('create', async (b) => (created = (await b.execute(o3!.user, 'guide', actionData(review, 'create'))).card!)), undefined);
  // The new plan has no meeting yet: its card offers to call one.
  const form = (await client.execute(o3!.user, 'meeting', actionData(created, 'prepare'))).card;
  const future = new Date(Date.now() + 40 * 86_400_000).toISOString().slice(0, 10);
  show('meeting called', await measure('schedule', (b) => b.execute(o3!.user, 'meeting', {
    ...actionData(form, 'schedule'), date: future, time: '09:00', durationMinutes: '60', mode: 'virtual', joinUrl: 'https://teams.microsoft.com/l/b2', place: '', agenda: '1. Velkomst',
  })), undefined);
}

// ---------------------------------------------------------------- 4. "mine planer" at scale

interface ScaleResult {
  label: string;
  p50: number;
  p99: number;
  roundTrips?: number;
  requests?: number;
}

async function scaleSize(seed: SeedRequest): Promise<ScaleResult> {
  const label = `${seed.tenants} × ${seed.plansPerTenant.toLocaleString('en')}`;
  const bot = await spawnBot('samspil');
  const client = await new TestBot().attach(bot.port);
  const users = benchUsers(seed);
  for (const u of users) client.connector.members.set(`29:${u.aadObjectId}`, { id: `29:${u.aadObjectId}`, name: u.name, aadObjectId: u.aadObjectId, email: emailOf(u), userPrincipalName: emailOf(u) });
  try {
    const seeded = await bot.ask<{ plans: number; ms: number }>({ type: 'seed', seed }, 'seeded', 120_000);
    const first = performance.now();
    await within(client.say(users[0]!, 'mine planer'), SCALE_GIVE_UP_MS, 'the first "mine planer"');
    const firstMs = performance.now() - first;
    await bot.ask({ type: 'countStart' }, 'counting');
    await client.labelled('scale').say(users[0]!, 'mine planer');
    const { costs } = await bot.ask<{ costs: BotRequestCost[] }>({ type: 'countTake' }, 'counted');
    const counted = costs.find((c) => c.label === 'scale')?.requests ?? [];
    for (const u of users) await within(client.say(u, 'mine planer'), SCALE_GIVE_UP_MS, '"mine planer"'); // every user once: warm
    client.connector.recording = false;
    const rnd = random(7);
    await bot.ask({ type: 'profile', on: true }, 'profiled');
    const load = await runLoad({ users: users.length, seconds: SCALE_SECONDS, step: async (u) => (await client.say(users[u]!, 'mine planer'), 'mine planer'), thinkMs: () => 500 + 1000 * rnd() });
    await bot.ask({ type: 'profile', on: false }, 'profiled');
    const sat = await runLoad({ users: users.length, seconds: 4, step: async (u) => (await client.say(users[u]!, 'mine planer'), 'mine planer') });
    row({
      status: 'INFO',
      measure: `${label}: seeded, first request`,
      value: `${seeded.plans.toLocaleString('en')} plans in ${(seeded.ms / 1000).toFixed(1)} s`,
      reference: `first ${ms(firstMs)}`,
    });
    row({ status: 'INFO', measure: `${label}: saturated (no think time)`, value: `${sat.throughput.toFixed(0)} req/s`, reference: `p50 ${ms(percentile(sat.latencies, 50))}` });
    const result = { label, p50: percentile(load.latencies, 50), p99: percentile(load.latencies, 99), roundTrips: roundTrips(counted).length, requests: counted.length };
    row({
      status: check(result.p99 <= TARGETS.scaleP99Ms && load.errors === 0),
      measure: `${label}: p50 / p99 (n=${load.requests})`,
      value: `${ms(result.p50)} / ${ms(result.p99)}`,
      reference: `${result.roundTrips} (${result.requests}) round trips`,
      target: `p99 ≤ ${TARGETS.scaleP99Ms} ms`,
      note: breakdown(counted),
    });
    return result;
  } catch (err) {
    row({ status: 'FAIL', measure: `${label}: p99`, value: 'not measured', target: `p99 ≤ ${TARGETS.scaleP99Ms} ms`, note: `${(err as Error).message}; gave up (see the embedded store's query cost in the report)` });
    bot.child.kill('SIGKILL');
    return { label, p50: Number.NaN, p99: Number.NaN };
  } finally {
    await bot.stop();
    await client.stop();
  }
}

async function scalePhase(): Promise<void> {
  section('4. "mine planer" at scale: 50 users, each in 10 plans; each asks, reads for 0.5–1.5 s, asks again');
  const small = await scaleSize({ tenants: 10, plansPerTenant: 100, usersPerTenant: 5, ownPerUser: 10, userPrefix: '00000000-0000-4000-8000-a' });
  const big = await scaleSize({ tenants: 50, plansPerTenant: 1000, usersPerTenant: 1, ownPerUser: 10, userPrefix: '00000000-0000-4000-8000-a' });
  const factor = big.p50 / small.p50;
  row({
    status: check(Number.isFinite(factor) && factor <= TARGETS.scaleFlatFactor && big.roundTrips === small.roundTrips),
    measure: 'flat: 50 × 1,000 against 10 × 100',
    value: Number.isFinite(factor) ? `p50 ${factor.toFixed(2)}×` : 'not measured',
    reference: `round trips ${small.roundTrips ?? '—'} → ${big.roundTrips ?? '—'}`,
    target: `≤ ${TARGETS.scaleFlatFactor}×, same round trips`,
  });
}

// ---------------------------------------------------------------- 3. idle, guide, fan-out

/** A fan-out of `n` invitations through the real outbox on the embedded store, with Teams' default limits. */
async function fanOut(n: number): Promise<number> {
  const cosmos = await startEmbeddedCosmos({ logger: silentLogger });
  const client = new CosmosClient(cosmos.clientOptions());
  try {
    const { outbox: container } = await ensureContainers(client, 'bench');
    let sent = 0;
    const outbox = createOutbox({ container, logger: silentLogger, sender: { send: async () => ({ ok: true, activityId: String(++sent) }) } });
    const card = { type: 'AdaptiveCard', version: '1.5', body: [{ type: 'TextBlock', text: 'Invitation' }] };
    const recipients = Array.from({ length: n }, (_, i) => ({
      userId: `user-${i}`,
      reference: { serviceUrl: 'http://127.0.0.1:9/', channelId: 'msteams', conversation: { id: `a:${i}`, tenantId: TENANT } },
      activity: { type: 'message' as const, attachments: [{ contentType: 'application/vnd.microsoft.card.adaptive' as const, content: card }] },
    }));
    const start = performance.now();
    await outbox.enqueue('bench:fanout', TENANT, recipients);
    while (sent < n) await outbox.tick();
    return performance.now() - start;
  } finally {
    client.dispose();
    await cosmos.close();
  }
}

/** Runs `fn`, adding its duration (ms) to `samples`. */
async function timed<T>(samples: number[], fn: () => Promise<T>): Promise<T> {
  const start = performance.now();
  const result = await fn();
  samples.push(performance.now() - start);
  return result;
}

/** Writes through the persistent embedded store (each acknowledged only after its fsync): acks/s and latency. */
async function durableWrites(total: number, writers: number): Promise<{ perSecond: number; p50: number; p95: number; p99: number }> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'samspil-bench-'));
  const cosmos = await startEmbeddedCosmos({ dataDir, logger: silentLogger });
  const client = new CosmosClient(cosmos.clientOptions());
  try {
    const { database } = await client.databases.createIfNotExists({ id: 'bench' });
    const { container: drafts } = await database.containers.createIfNotExists({ id: 'drafts', partitionKey: { paths: ['/tenantId'] } });
    const latencies: number[] = [];
    let next = 0;
    const start = performance.now();
    await Promise.all(
      Array.from({ length: writers }, async () => {
        while (next < total) {
          const i = next++;
          await timed(latencies, () => drafts.items.upsert({ id: `d${i % 500}`, tenantId: `t${i % 5}`, step: i, text: 'x'.repeat(2_000) }));
        }
      }),
    );
    const seconds = (performance.now() - start) / 1000;
    return { perSecond: total / seconds, p50: percentile(latencies, 50), p95: percentile(latencies, 95), p99: percentile(latencies, 99) };
  } finally {
    client.dispose();
    await cosmos.close();
    await rm(dataDir, { recursive: true, force: true });
  }
}

/**
 * Urgent messages during a 1,000-recipient bulk fan-out in the same tenant: the time from enqueue
 * to send of each of `n` urgent messages (one every 400 ms), with the real dispatcher loop and
 * production defaults on the embedded store; sends take 20 ms, as a fast connector would.
 */
async function urgentDuringFanOut(n: number): Promise<number[]> {
  const cosmos = await startEmbeddedCosmos({ logger: silentLogger });
  const client = new CosmosClient(cosmos.clientOptions());
  try {
    const { outbox: container } = await ensureContainers(client, 'bench-urgent');
    const urgentSentAt = new Map<string, number>();
    let bulkSent = 0;
    const outbox = createOutbox({
      container, logger: silentLogger, sharing: {},
      sender: {
        send: async (reference) => {
          await new Promise((r) => setTimeout(r, 20));
          const id = reference.conversation?.id ?? '';
          if (id.startsWith('19:')) urgentSentAt.set(id, performance.now());
          else bulkSent++;
          return { ok: true, activityId: id };
        },
      },
    });
    const card = { type: 'AdaptiveCard', version: '1.5', body: [{ type: 'TextBlock', text: 'Invitation' }] };
    const reference = (id: string) => ({ serviceUrl: 'http://127.0.0.1:9/', channelId: 'msteams', conversation: { id, tenantId: TENANT } });
    await outbox.enqueue('bench:big', TENANT, Array.from({ length: 1_000 }, (_, i) => ({
      userId: `user-${i}`, reference: reference(`a:${i}`), activity: { type: 'message' as const, attachments: [{ contentType: 'application/vnd.microsoft.card.adaptive' as const, content: card }] },
    })));
    outbox.start();
    while (bulkSent < 100) await new Promise((r) => setTimeout(r, 20));
    const latencies: number[] = [];
    for (let i = 0; i < n; i++) {
      const id = `19:unit-${i}@thread.tacv2`;
      const start = performance.now();
      await outbox.enqueue(`bench:urgent:${i}`, TENANT, [{ conversation: reference(id), activity: { type: 'message', text: 'Akut' } }], { priority: 'urgent' });
      while (!urgentSentAt.has(id)) await new Promise((r) => setTimeout(r, 5));
      latencies.push(urgentSentAt.get(id)! - start);
      await new Promise((r) => setTimeout(r, 400));
    }
    if (bulkSent >= 1_000) throw new Error('the fan-out finished before the urgent messages were measured');
    await outbox.stop();
    return latencies;
  } finally {
    client.dispose();
    await cosmos.close();
  }
}

/** Cosmos requests per second of an idle instance (production defaults, limits shared), over 120 s on a clock moved by the bench. */
async function idleRequestsPerSecond(): Promise<number> {
  const cosmos = await startEmbeddedCosmos({ logger: silentLogger });
  const counter = await startCosmosRequestCounter(cosmos.clientOptions());
  const client = new CosmosClient(counter.clientOptions());
  try {
    const { outbox: container } = await ensureContainers(client, 'bench-idle');
    const clock = new ManualClock(Date.now());
    const outbox = createOutbox({ container, logger: silentLogger, clock, sharing: {}, sender: { send: async () => ({ ok: true }) } });
    outbox.start();
    const idle = async (seconds: number): Promise<void> => {
      for (let s = 0; s < seconds; s++) {
        clock.advance(1_000);
        await new Promise((r) => setTimeout(r, 15));
      }
    };
    await idle(30);
    const before = counter.requests.length;
    await idle(120);
    const perSecond = (counter.requests.length - before) / 120;
    await outbox.stop();
    return perSecond;
  } finally {
    client.dispose();
    await counter.close();
    await cosmos.close();
  }
}

/**
 * The measures kept from before, one bot in this process: the guide (ten of
 * Nina's guides among others', each step timed), "mine planer" with her 10
 * plans among 40, and the plan card ("Åbn planen") with a saved edit.
 */
async function sequentialMeasures(): Promise<{ steps: number[]; lists: number[]; opens: number[]; saves: number[] }> {
  const today = new Date().toISOString().slice(0, 10);
  const bot = await new TestBot().start();
  try {
    const steps: number[] = [];
    const guide = async (user: TestUser, samples: number[]) => {
      const [consent] = cardsOf(inChatOf(user, await bot.say(user, 'ny plan')));
      const click = async (card: unknown, action: string, fields: Record<string, string> = {}) => {
        const start = performance.now();
        const answer = await bot.execute(user, 'guide', { ...actionData(card, action), ...fields });
        samples.push(performance.now() - start);
        return answer.card;
      };
      let card = await click(consent, 'consent', { ...BENCH_CONSENT, obtainedOn: today, covers: 'shareWithNetwork' });
      card = await click(card, 'masterData', { ...BENCH_CITIZEN, dreams: 'x'.repeat(500) });
      for (let i = 0; i < 5; i++) card = await click(card, 'addContact', { name: `Kontakt ${i}`, role: 'Rolle', sector: 'municipality' });
      card = await click(card, 'toReview');
      await click(card, 'create');
    };
    for (let i = 0; i < 30; i++) await guide({ aadObjectId: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`, name: `Other ${i}`, tenantId: TENANT }, []);
    for (let i = 0; i < 10; i++) await guide(NINA, steps);
    const lists: number[] = [];
    for (let i = 0; i < 30; i++) await timed(lists, () => bot.say(NINA, 'mine planer'));
    // The whole plan on one card ("Åbn planen"), and saving a changed address from its edit card.
    const [overview] = cardsOf(inChatOf(NINA, await bot.say(NINA, 'mine planer')));
    const opens: number[] = [];
    const saves: number[] = [];
    for (let i = 0; i < 30; i++) {
      const card = (await timed(opens, () => bot.execute(NINA, 'planCard', actionData(overview, 'show')))).card;
      const form = (await bot.execute(NINA, 'planCard', actionData(card, 'editMasterData'))).card;
      await timed(saves, () => bot.execute(NINA, 'planCard', { ...actionData(form, 'saveMasterData'), name: 'Bench Borger', dateOfBirth: '1980-01-01', preferredLanguage: 'da', dreams: 'x'.repeat(500), address: `Vej ${i}` }));
    }
    return { steps, lists, opens, saves };
  } finally {
    await bot.stop();
  }
}

async function idleAndClassics(samspil: BotChild | undefined): Promise<void> {
  section(`3. Idle, and the measures kept from before (the idle count runs while these run in this process)`);
  const idle = samspil && (async () => {
    await samspil.ask({ type: 'countStart' }, 'counting');
    // Polling backs off while nothing happens: the instance settles first, as one does between users.
    await new Promise((r) => setTimeout(r, IDLE_SETTLE_SECONDS * 1000));
    await samspil.ask({ type: 'countTake' }, 'counted');
    await new Promise((r) => setTimeout(r, IDLE_SECONDS * 1000));
    return (await samspil.ask<{ background: CosmosRequest[] }>({ type: 'countTake' }, 'counted')).background;
  })();
  if (PHASES.has('guide')) {
    const { steps, lists, opens, saves } = await sequentialMeasures();
    const timedRow = (measure: string, samples: number[], target: number) =>
      row({ status: check(percentile(samples, 95) <= target), measure: `${measure} (n=${samples.length})`, value: `${ms(percentile(samples, 50))} / ${ms(percentile(samples, 95))}`, reference: 'sequential; p50/p95', target: `p95 ≤ ${target} ms` });
    timedRow('guide step', steps, TARGETS.guideStepP95Ms);
    timedRow('"mine planer", 10 own plans among 40', lists, TARGETS.myPlansP95Ms);
    timedRow('"Åbn planen": the whole plan card', opens, TARGETS.planCardP95Ms);
    timedRow('plan edit: save a changed address', saves, TARGETS.planEditP95Ms);
  }
  if (PHASES.has('fanout')) {
    const fan = await fanOut(200);
    row({ status: check(fan <= TARGETS.fanOut200Ms), measure: 'fan-out: 200 invitations, enqueue → sent', value: ms(fan), reference: 'Teams 50/s tenant limit', target: `≤ ${TARGETS.fanOut200Ms} ms` });
  }
  if (PHASES.has('durable')) {
    for (const writers of [1, 16]) {
      const w = await durableWrites(2_000, writers);
      row({ status: check(w.p95 <= TARGETS.durableWriteP95Ms), measure: `durable writes (fsync first), ${writers} writer(s)`, value: `${ms(w.p50)} / ${ms(w.p95)} / ${ms(w.p99)}`, reference: `${Math.round(w.perSecond)} acks/s; p50/p95/p99`, target: `p95 ≤ ${TARGETS.durableWriteP95Ms} ms` });
    }
  }
  if (PHASES.has('urgent')) {
    const urgent = await urgentDuringFanOut(10);
    row({ status: check(percentile(urgent, 95) <= TARGETS.urgentP95Ms), measure: 'urgent message during a 1,000-recipient fan-out', value: `${ms(percentile(urgent, 50))} / ${ms(percentile(urgent, 95))}`, reference: 'enqueue → sent; p50/p95', target: `p95 ≤ ${TARGETS.urgentP95Ms} ms` });
    const outboxIdle = await idleRequestsPerSecond();
    row({ status: check(outboxIdle <= TARGETS.idleRequestsPerSecond), measure: 'idle outbox alone: Cosmos requests/s (120 s clock)', value: `${outboxIdle.toFixed(2)}/s`, target: `≤ ${TARGETS.idleRequestsPerSecond}/s` });
  }
  if (idle) {
    const background = await idle;
    const perSecond = background.length / IDLE_SECONDS;
    const byContainer = new Map<string, number>();
    for (const r of background) byContainer.set(`${r.container} ${r.kind}`, (byContainer.get(`${r.container} ${r.kind}`) ?? 0) + 1);
    row({
      status: check(perSecond <= TARGETS.idleRequestsPerSecond),
      measure: `idle bot: Cosmos requests/s over ${IDLE_SECONDS} s`,
      value: `${perSecond.toFixed(2)}/s (${(background.filter((r) => r.kind !== 'queryPlan').length / IDLE_SECONDS).toFixed(2)} round trips/s)`,
      target: `≤ ${TARGETS.idleRequestsPerSecond}/s`,
      note: `after ${IDLE_SETTLE_SECONDS} s without traffic; ` + ([...byContainer].map(([c, n]) => `${c} ${n}`).join(', ') || 'no request') + ' (requests incl. query plans)',
    });
  }
}

// ---------------------------------------------------------------- 5. the meeting card

async function recordPhase(): Promise<void> {
  section('8. The live meeting card (three network members saving sections of one card)');
  const { sequential, concurrent } = await measureRecordSaves();
  row({ status: check(percentile(sequential, 95) <= TARGETS.meetingRecordSaveP95Ms), measure: `meeting card: save a section (n=${sequential.length})`, value: `${ms(percentile(sequential, 50))} / ${ms(percentile(sequential, 95))}`, reference: 'sequential; p50/p95', target: `p95 ≤ ${TARGETS.meetingRecordSaveP95Ms} ms` });
  // Three saves of one document at once: two of them retry on the ETag, and the three share this process with the client.
  row({ status: 'INFO', measure: `meeting card: three sections saved at once (n=${concurrent.length})`, value: `${ms(percentile(concurrent, 50))} / ${ms(percentile(concurrent, 95))}`, reference: 'p50/p95', note: 'same document: ETag retries; one process plays Teams and the bot' });
}

// ---------------------------------------------------------------- main

async function main(): Promise<void> {
  const started = performance.now();
  const needSamspil = PHASES.has('mix') || PHASES.has('counts') || PHASES.has('idle');
  const [samspil, echo] = await Promise.all([needSamspil ? spawnBot('samspil') : undefined, PHASES.has('mix') ? spawnBot('echo') : undefined]);
  const client = samspil && (await new TestBot().attach(samspil.port));
  try {
    const users = client ? await prepareMix(client) : [];
    if (samspil && client && echo) await mixPhase(samspil, client, users, echo);
    await echo?.stop();
    if (samspil && client && PHASES.has('counts')) await countPhase(samspil, client, users);
    if (PHASES.has('idle') || PHASES.has('guide') || PHASES.has('fanout')) await idleAndClassics(PHASES.has('idle') ? samspil : undefined);
    await samspil?.stop();
    if (PHASES.has('scale')) await scalePhase();
    if (PHASES.has('acute')) {
      section('5. The acute line: an urgent post to 30 units’ channels during a 1,000-recipient fan-out (test/bench/acuteUrgent.ts)');
      const a = await acuteUrgentDuringFanOut(30);
      row({ status: check(a.allSentMs <= TARGETS.acuteAllSentMs), measure: 'urgent post to 30 channels: post() → all sent', value: `${ms(a.firstSentMs)} / ${ms(a.allSentMs)}`, reference: 'first / 30th', target: `≤ ${TARGETS.acuteAllSentMs} ms` });
      row({ status: check(a.maxTenantPerSecond <= TARGETS.tenantPerSecond && a.maxConversationPerSecond <= 7), measure: 'within Teams’ limits: most sends in any second', value: `tenant ${a.maxTenantPerSecond}/s, channel ${a.maxConversationPerSecond}/s`, reference: 'bulk and urgent together', target: `≤ ${TARGETS.tenantPerSecond}/s, ≤ 7/s` });
    }
    if (PHASES.has('deviation')) {
      section('6. Deviations');
      const d = await deviationReportLatencies(20);
      row({ status: check(percentile(d, 95) <= TARGETS.deviationReportP95Ms), measure: 'deviation report → coordinator\'s card sent (n=20)', value: `${ms(percentile(d, 50))} / ${ms(percentile(d, 95))}`, reference: 'click → at the connector; p50/p95', target: `p95 ≤ ${TARGETS.deviationReportP95Ms} ms` });
    }
    if (PHASES.has('distribution')) {
      section(`7. A meeting's new version to the network`);
      const d = await distributionToContacts(50);
      row({ status: check(d <= TARGETS.versionTo50Ms), measure: 'new version to 50 contacts + the coordinator', value: ms(d), reference: 'job → outbox → connector; Teams 45/s tenant limit', target: `≤ ${TARGETS.versionTo50Ms} ms` });
    }
    if (PHASES.has('record')) await recordPhase();
  } finally {
    await echo?.stop();
    await samspil?.stop();
    await client?.stop();
  }
  print((performance.now() - started) / 1000);
  process.exitCode = rows.some((r) => r.status === 'FAIL') ? 1 : 0;
}

main().catch((err) => {
  process.stderr.write(`bench failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(2);
});
