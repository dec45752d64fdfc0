/** Backoff with full jitter, Retry-After parsing, and which connector answers are retried. */
import { strict as assert } from 'node:assert';
import { backoffMs, decideRetry, DEFAULT_RETRY, parseRetryAfter } from '../../../../src/platform/outbox/retryPolicy';
import type { SendFailure } from '../../../../src/platform/outbox/sender';

const NOW = Date.parse('2026-11-02T08:00:00.000Z');
const http = (httpStatus: number, extra: Partial<SendFailure> = {}): SendFailure => ({
  kind: 'http', httpStatus, delivery: httpStatus >= 500 ? 'unknown' : 'notDelivered', ...extra,
});

describe('outbox retry policy', () => {
  it('reads Retry-After as seconds or as an HTTP date, and ignores garbage', () => {
    assert.equal(parseRetryAfter('1', NOW), 1_000);
    assert.equal(parseRetryAfter(' 2.5 ', NOW), 2_500);
    assert.equal(parseRetryAfter('Mon, 02 Nov 2026 08:00:07 GMT', NOW), 7_000);
    assert.equal(parseRetryAfter('Mon, 02 Nov 2026 07:59:00 GMT', NOW), 0, 'a date in the past means now');
    assert.equal(parseRetryAfter('999999', NOW), 3_600_000, 'capped at an hour');
    for (const bad of [undefined, null, '', 'soon', '-1', '1e3']) assert.equal(parseRetryAfter(bad, NOW), undefined, String(bad));
  });

  it('draws backoff uniformly below a ceiling that doubles per attempt up to the maximum (full jitter)', () => {
    const opts = { ...DEFAULT_RETRY, baseDelayMs: 100, maxDelayMs: 1_000 };
    assert.deepEqual([1, 2, 3, 4, 5].map((a) => backoffMs(a, opts, () => 0.999999)), [99, 199, 399, 799, 999]);
    assert.equal(backoffMs(3, opts, () => 0), 0);
    assert.equal(backoffMs(3, opts, () => 0.5), 200);
  });

  it('retries 429, 412, 502, 504 (and other 5xx, timeouts, broken connections); fails other 4xx at once', () => {
    const random = (): number => 0.5;
    for (const status of [429, 412, 500, 502, 503, 504]) assert.equal(decideRetry(http(status), 1, DEFAULT_RETRY, random, false).action, 'retry', String(status));
    for (const status of [400, 401, 403, 404, 413]) assert.equal(decideRetry(http(status), 1, DEFAULT_RETRY, random, true).action, 'fail', String(status));
    assert.equal(decideRetry({ kind: 'timeout', delivery: 'unknown' }, 1, DEFAULT_RETRY, random, false).action, 'retry');
    assert.equal(decideRetry({ kind: 'refused', delivery: 'notDelivered' }, 1, DEFAULT_RETRY, random, false).action, 'retry');
  });

  it('never retries sooner than Retry-After, and waits for Graph to settle before verifying an unknown outcome', () => {
    const random = (): number => 0;
    assert.deepEqual(decideRetry(http(429, { retryAfterMs: 1_000 }), 1, DEFAULT_RETRY, random, true), { action: 'retry', delayMs: 1_000 });
    assert.deepEqual(decideRetry(http(504), 1, DEFAULT_RETRY, random, true), { action: 'retry', delayMs: DEFAULT_RETRY.settleMs });
    assert.deepEqual(decideRetry(http(504), 1, DEFAULT_RETRY, random, false), { action: 'retry', delayMs: 0 });
  });

  it('fails after maxAttempts, except that an unknown outcome gets one verify-only round when a verifier exists', () => {
    const random = (): number => 0.5;
    assert.equal(decideRetry(http(429), 8, DEFAULT_RETRY, random, true).action, 'fail');
    assert.equal(decideRetry(http(504), 8, DEFAULT_RETRY, random, false).action, 'fail');
    assert.equal(decideRetry(http(504), 8, DEFAULT_RETRY, random, true).action, 'retry');
  });
});
