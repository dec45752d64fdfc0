/** The in-memory request limit of the .ics route, on a fake clock, and how the client's address is read. */
import assert from 'node:assert/strict';
import { clientIp, RateLimit } from '../../../../src/platform/http/rateLimit';

describe('http/rateLimit', () => {
  let now = 0;
  const clock = () => now;
  beforeEach(() => (now = 1_000_000));

  it('allows the limit at once, then refuses with the time until the next one', () => {
    const limit = new RateLimit(10, 60_000, clock);
    for (let i = 0; i < 10; i++) assert.deepEqual(limit.take('a'), { ok: true }, `request ${i + 1}`);
    assert.deepEqual(limit.take('a'), { ok: false, retryAfterMs: 6000 });
    now += 5999;
    assert.equal(limit.take('a').ok, false);
    now += 1;
    assert.deepEqual(limit.take('a'), { ok: true });
    assert.equal(limit.take('a').ok, false, 'one more per 6 s, no burst');
  });

  it('counts keys apart, and a refused request does not push the next one further away', () => {
    const limit = new RateLimit(2, 60_000, clock);
    limit.take('a');
    limit.take('a');
    for (let i = 0; i < 5; i++) assert.equal(limit.take('a').ok, false);
    assert.equal(limit.take('b').ok, true);
    now += 30_000;
    assert.equal(limit.take('a').ok, true);
  });

  it('is back to the full burst after a quiet window', () => {
    const limit = new RateLimit(3, 60_000, clock);
    for (let i = 0; i < 3; i++) limit.take('a');
    now += 60_000;
    for (let i = 0; i < 3; i++) assert.equal(limit.take('a').ok, true);
  });

  it('keeps at most maxKeys keys, idle ones dropped first', () => {
    const limit = new RateLimit(5, 60_000, clock, 100);
    for (let i = 0; i < 1000; i++) limit.take(`k${i}`);
    assert.ok(limit.size <= 100, `${limit.size} keys`);
    now += 60_000;
    limit.take('fresh');
    for (let i = 0; i < 200; i++) limit.take(`j${i}`);
    assert.ok(limit.size <= 100);
  });

  it('refuses a limit that is not a positive integer', () => {
    assert.throws(() => new RateLimit(0, 60_000));
    assert.throws(() => new RateLimit(1.5, 60_000));
  });
});

describe('http/icsRoute clientIp', () => {
  const req = (xff: string | string[] | undefined, remoteAddress = '10.0.0.9') =>
    ({ headers: xff === undefined ? {} : { 'x-forwarded-for': xff }, socket: { remoteAddress } }) as unknown as Parameters<typeof clientIp>[0];
  const cases: Array<[string | string[] | undefined, string]> = [
    [undefined, '10.0.0.9'],
    ['203.0.113.5', '203.0.113.5'],
    ['203.0.113.5:51234', '203.0.113.5'],
    ['198.51.100.1, 203.0.113.5:443', '203.0.113.5'],
    ['[2001:db8::1]:1234', '2001:db8::1'],
    ['2001:db8::1', '2001:db8::1'],
    [['1.1.1.1', '2.2.2.2'], '2.2.2.2'],
    ['', '10.0.0.9'],
  ];
  for (const [xff, expected] of cases) it(`${JSON.stringify(xff)} → ${expected}`, () => assert.equal(clientIp(req(xff)), expected));
});
