/**
 * Throttling and outages against the fake Graph: Retry-After is honoured (and
 * measured), retries are bounded, a too-long Retry-After is handed back to the
 * caller instead of waited for, and an unreachable Graph or a failing
 * credential end in typed errors.
 */
import assert from 'node:assert/strict';
import { silentLogger } from '../../../../src/platform/logger';
import { GraphError } from '../../../../src/platform/graph/errors';
import { GraphOnlineMeetings } from '../../../../src/meetings/graph/onlineMeetings';
import type { GraphHttpOptions } from '../../../../src/platform/graph/graphHttp';
import { staticTokenProvider } from '../../../../src/platform/graph/tokenProvider';
import { FAKE_GRAPH_TOKEN, FakeGraph } from '../../../support/fakeGraph';

const meeting = {
  meetingId: 'mtg-RETRY',
  organizerUserId: '550fae72-d251-43ec-868c-373732c2704f',
  subject: 'Koordinationsmøde',
  startDateTime: '2026-01-20T13:00:00Z',
  endDateTime: '2026-01-20T14:00:00Z',
};

describe('graph retries against a fake Graph', () => {
  let graph: FakeGraph;
  const make = (options: Partial<GraphHttpOptions> = {}) =>
    new GraphOnlineMeetings({ baseUrl: graph.baseUrl, tokens: staticTokenProvider(FAKE_GRAPH_TOKEN), logger: silentLogger, ...options });

  beforeEach(async () => {
    graph = new FakeGraph();
    await graph.start();
  });
  afterEach(() => graph.stop());

  async function graphErrorOf(fn: () => Promise<unknown>): Promise<GraphError> {
    const err = await fn().then(() => undefined, (e: unknown) => e);
    assert.ok(err instanceof GraphError, `expected a GraphError, got ${String(err)}`);
    return err;
  }

  it('429 with Retry-After: 1 waits at least a second, then succeeds with one meeting', async () => {
    graph.failNext(1, 429, { retryAfter: '1' });
    const created = await make().create(meeting);
    assert.ok(created.joinWebUrl);
    const [throttled, retried] = graph.requests;
    const waited = retried!.at - throttled!.at;
    assert.ok(waited >= 990, `waited ${waited} ms`);
    assert.ok(waited < 3000, `waited ${waited} ms`);
    assert.equal(graph.allMeetings().length, 1);
  });

  it('503 with Retry-After: 0 is retried at once and succeeds', async () => {
    graph.failNext(2, 503, { retryAfter: '0' });
    const sleeps: number[] = [];
    await make({ sleep: async (ms) => void sleeps.push(ms) }).create(meeting);
    assert.deepEqual(sleeps, [0, 0]);
    assert.equal(graph.requests.length, 3);
  });

  it('without Retry-After backs off exponentially (with jitter) from baseDelayMs', async () => {
    graph.failNext(3, 503);
    const sleeps: number[] = [];
    await make({ baseDelayMs: 100, random: () => 1, sleep: async (ms) => void sleeps.push(ms) }).create(meeting);
    assert.deepEqual(sleeps, [100, 200, 400]);
  });

  it('retries are bounded: 429 forever ends in GRAPH_THROTTLED after maxAttempts requests', async () => {
    graph.failNext(10, 429, { retryAfter: '0' });
    const err = await graphErrorOf(() => make({ maxAttempts: 3 }).create(meeting));
    assert.equal(err.code, 'GRAPH_THROTTLED');
    assert.equal(err.retryable, true);
    assert.equal(graph.requests.length, 3);
    assert.equal(graph.allMeetings().length, 0);
  });

  it('a Retry-After beyond maxRetryAfterMs is not waited for: the caller gets retryAfterMs to schedule', async () => {
    graph.failNext(1, 429, { retryAfter: '120' });
    const started = Date.now();
    const err = await graphErrorOf(() => make({ maxRetryAfterMs: 5_000 }).create(meeting));
    assert.equal(err.code, 'GRAPH_THROTTLED');
    assert.equal(err.retryAfterMs, 120_000);
    assert.ok(Date.now() - started < 1000);
    assert.equal(graph.requests.length, 1);
  });

  it('an HTTP-date Retry-After is honoured too', async () => {
    graph.failNext(1, 503, { retryAfter: new Date(Date.now() + 60_000).toUTCString() });
    const sleeps: number[] = [];
    await make({ sleep: async (ms) => void sleeps.push(ms), maxRetryAfterMs: 120_000 }).create(meeting);
    assert.equal(sleeps.length, 1);
    assert.ok(sleeps[0]! > 55_000 && sleeps[0]! <= 60_000, String(sleeps[0]));
  });

  it('500 is GRAPH_UNAVAILABLE and not retried (only 429, 503 and 504 are)', async () => {
    graph.failNext(1, 500);
    const err = await graphErrorOf(() => make().create(meeting));
    assert.equal(err.code, 'GRAPH_UNAVAILABLE');
    assert.equal(graph.requests.length, 1);
  });

  it('an unreachable Graph ends in GRAPH_UNAVAILABLE after maxAttempts', async () => {
    const client = make({ maxAttempts: 2, baseDelayMs: 1 });
    await graph.stop();
    const err = await graphErrorOf(() => client.create(meeting));
    assert.equal(err.code, 'GRAPH_UNAVAILABLE');
    assert.equal(err.status, undefined);
  });

  it('a slow Graph times out per attempt and is retried', async () => {
    const client = make({ timeoutMs: 200, maxAttempts: 2, baseDelayMs: 1 });
    graph.delayNext(1000);
    const created = await client.create(meeting);
    assert.equal(created.created, false, 'the slow first call had made it; the retry found it');
    assert.equal(graph.requests.length, 2);
    assert.equal(graph.allMeetings().length, 1);
  });

  it('a credential that yields no token is GRAPH_TOKEN_FAILED and Graph is never called', async () => {
    const failing = { getToken: async () => { throw new GraphError('GRAPH_TOKEN_FAILED'); } };
    const err = await graphErrorOf(() => make({ tokens: failing }).create(meeting));
    assert.equal(err.code, 'GRAPH_TOKEN_FAILED');
    assert.equal(graph.requests.length, 0);
  });
});
