/**
 * What botbuilder throws, mapped to SendFailure. The error shapes are real: each case is produced
 * by botbuilder's CloudAdapter against a local HTTP server (no fakes of the error objects).
 */
import { strict as assert } from 'node:assert';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ConversationReference } from 'botbuilder';
import { classifySendError } from '../../../../src/platform/outbox/senderErrors';
import { BotFrameworkSender, createProactiveAdapter } from '../../../../src/platform/outbox/senderBotFramework';

describe('outbox sender errors (botbuilder against a local server)', function () {
  this.timeout(10_000);
  let server: http.Server;
  let url: string;
  let answer: (res: http.ServerResponse) => void;
  let requests = 0;

  before(async () => {
    server = http.createServer((req, res) => {
      requests++;
      req.resume();
      req.on('end', () => answer(res));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  });
  after(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  // What Teams references look like (no names); botbuilder's types want more than the API needs.
  const reference = () => ({ serviceUrl: url, channelId: 'msteams', conversation: { id: 'a:1' }, bot: { id: '28:bot' } }) as unknown as Partial<ConversationReference>;
  const sender = new BotFrameworkSender(createProactiveAdapter({}, 300), '', { now: () => Date.parse('2026-11-02T08:00:00Z'), sleep: async () => undefined });

  const respond = (status: number, headers: Record<string, string> = {}, body = JSON.stringify({ error: { code: 'ConversationBlockedByUser', message: 'blocked' } })) =>
    (res: http.ServerResponse) => {
      res.statusCode = status;
      for (const [k, v] of Object.entries(headers)) res.setHeader(k, v);
      res.setHeader('content-type', 'application/json');
      res.end(body);
    };

  it('returns the activity id on success', async () => {
    answer = respond(200, {}, JSON.stringify({ id: '1700000000001' }));
    assert.deepEqual(await sender.send(reference(), { type: 'message', text: 'x' }), { ok: true, activityId: '1700000000001' });
  });

  it('reads status, the connector code and Retry-After (seconds and HTTP date), with one request per send (no hidden retries)', async () => {
    answer = respond(429, { 'Retry-After': '1' });
    requests = 0;
    assert.deepEqual(await sender.send(reference(), { type: 'message', text: 'x' }), {
      ok: false, failure: { kind: 'http', httpStatus: 429, connectorCode: 'ConversationBlockedByUser', retryAfterMs: 1_000, delivery: 'notDelivered' },
    });
    assert.equal(requests, 1);
    answer = respond(503, { 'Retry-After': 'Mon, 02 Nov 2026 08:00:05 GMT' });
    const r = await sender.send(reference(), { type: 'message', text: 'x' });
    assert.deepEqual(r, { ok: false, failure: { kind: 'http', httpStatus: 503, connectorCode: 'ConversationBlockedByUser', retryAfterMs: 5_000, delivery: 'unknown' } });
    assert.equal(requests, 2);
  });

  it('keeps only plain codes from the body, and treats an unreadable error body by its status', async () => {
    answer = respond(404, {}, 'not json');
    const r = await sender.send(reference(), { type: 'message', text: 'x' });
    assert.deepEqual(r, { ok: false, failure: { kind: 'http', httpStatus: 404, connectorCode: 'PARSE_ERROR', retryAfterMs: undefined, delivery: 'notDelivered' } });
  });

  it('calls a request without an answer a timeout of unknown outcome, and a refused connection not delivered', async () => {
    answer = () => undefined;
    const hung = await sender.send(reference(), { type: 'message', text: 'x' });
    assert.deepEqual(hung, { ok: false, failure: { kind: 'timeout', delivery: 'unknown' } });
    const refused = await sender.send({ ...reference(), serviceUrl: 'http://127.0.0.1:1/' }, { type: 'message', text: 'x' });
    assert.deepEqual(refused, { ok: false, failure: { kind: 'refused', delivery: 'notDelivered' } });
  });

  it('calls anything else a network error of unknown outcome', () => {
    assert.deepEqual(classifySendError(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }), 0), { kind: 'network', delivery: 'unknown' });
    assert.deepEqual(classifySendError('weird', 0), { kind: 'network', delivery: 'unknown' });
  });
});
