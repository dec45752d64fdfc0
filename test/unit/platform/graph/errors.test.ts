import assert from 'node:assert/strict';
import { GraphError, codeForStatus, isGraphError } from '../../../../src/platform/graph/errors';
import { parseRetryAfter } from '../../../../src/platform/graph/graphHttp';

describe('graph/errors', () => {
  const statuses: Array<[number, string]> = [
    [400, 'GRAPH_BAD_REQUEST'],
    [401, 'GRAPH_UNAUTHORIZED'],
    [403, 'GRAPH_FORBIDDEN'],
    [404, 'GRAPH_NOT_FOUND'],
    [409, 'GRAPH_FAILED'],
    [429, 'GRAPH_THROTTLED'],
    [500, 'GRAPH_UNAVAILABLE'],
    [503, 'GRAPH_UNAVAILABLE'],
  ];
  for (const [status, code] of statuses) it(`${status} → ${code}`, () => assert.equal(codeForStatus(status), code));

  it('only throttling and unavailability are retryable', () => {
    assert.equal(new GraphError('GRAPH_THROTTLED').retryable, true);
    assert.equal(new GraphError('GRAPH_UNAVAILABLE').retryable, true);
    assert.equal(new GraphError('GRAPH_FORBIDDEN').retryable, false);
    assert.equal(new GraphError('GRAPH_BAD_RESPONSE').retryable, false);
  });

  it('messages say what to configure', () => {
    assert.match(new GraphError('GRAPH_FORBIDDEN').message, /OnlineMeetings\.ReadWrite\.All.*admin consent.*application access policy/s);
    assert.match(new GraphError('GRAPH_UNAUTHORIZED').message, /tenant id, client id and client secret/);
  });

  it('isGraphError narrows by code', () => {
    const err = new GraphError('GRAPH_NOT_FOUND', { status: 404 });
    assert.equal(isGraphError(err, 'GRAPH_NOT_FOUND'), true);
    assert.equal(isGraphError(err, 'GRAPH_FORBIDDEN'), false);
    assert.equal(isGraphError(new Error('x')), false);
  });
});

describe('graph/parseRetryAfter', () => {
  const now = Date.parse('2026-06-15T08:00:00Z');
  it('reads delta-seconds', () => assert.equal(parseRetryAfter('7', now), 7000));
  it('reads an HTTP date', () => assert.equal(parseRetryAfter('Mon, 15 Jun 2026 08:00:30 GMT', now), 30_000));
  it('a date in the past means now', () => assert.equal(parseRetryAfter('Mon, 15 Jun 2026 07:00:00 GMT', now), 0));
  it('ignores a missing or unreadable header', () => {
    assert.equal(parseRetryAfter(null, now), undefined);
    assert.equal(parseRetryAfter('soon', now), undefined);
    assert.equal(parseRetryAfter('-5', now), undefined);
  });
});
