/** The activity envelope at the edge: what is refused as a bad request, and reading a bounded body. */
import { strict as assert } from 'node:assert';
import { Readable } from 'node:stream';
import type { IncomingMessage } from 'node:http';
import { parseEnvelope, readJsonBody, toBotActivity } from '../../../../src/platform/http/activityEnvelope';

const valid = {
  type: 'message',
  channelId: 'msteams',
  serviceUrl: 'https://smba.trafficmanager.net/emea/',
  from: { id: '29:x', aadObjectId: 'u' },
  recipient: { id: '28:bot' },
  conversation: { id: 'a:personal' },
  timestamp: '2026-03-10T09:00:00.000Z',
  value: { anything: ['goes', 1] },
  channelData: { tenant: { id: 't' }, source: { name: 'message' } },
};

function request(body: string, headers: Record<string, string> = {}): IncomingMessage {
  return Object.assign(Readable.from([Buffer.from(body)]), { headers }) as unknown as IncomingMessage;
}

describe('parseEnvelope', () => {
  it('keeps every field, including ones it does not know', () => {
    const parsed = parseEnvelope(valid);
    assert.ok(parsed.ok);
    assert.deepEqual(parsed.activity, valid);
  });

  it('gives botbuilder Dates for timestamps and keeps the raw text, as botbuilder does', () => {
    const parsed = parseEnvelope(valid);
    assert.ok(parsed.ok);
    const bot = toBotActivity(parsed.activity) as Record<string, unknown>;
    assert.ok(bot.timestamp instanceof Date);
    assert.equal(bot.rawTimestamp, valid.timestamp);
  });

  const bad: Array<[string, unknown, string | undefined]> = [
    ['null', null, undefined],
    ['an array', [valid], undefined],
    ['a numeric type', { ...valid, type: 1 }, 'type'],
    ['a missing type', { ...valid, type: undefined }, 'type'],
    ['a numeric serviceUrl', { ...valid, serviceUrl: 1 }, 'serviceUrl'],
    ['an ftp serviceUrl', { ...valid, serviceUrl: 'ftp://x/' }, 'serviceUrl'],
    ['a missing conversation', { ...valid, conversation: undefined }, 'conversation'],
    ['a from without id', { ...valid, from: { name: 'x' } }, 'from'],
    ['membersAdded that are not accounts', { ...valid, membersAdded: ['x'] }, 'membersAdded'],
  ];
  for (const [name, body, field] of bad) {
    it(`refuses ${name}, naming the field and never its value`, () => {
      const parsed = parseEnvelope(body);
      assert.ok(!parsed.ok);
      assert.equal(parsed.reason, 'notAnActivity');
      assert.equal(parsed.field, field);
    });
  }
});

describe('readJsonBody', () => {
  it('reads JSON', async () => assert.deepEqual(await readJsonBody(request('{"a":1}')), { ok: true, body: { a: 1 } }));
  it('says when it is not JSON', async () => assert.deepEqual(await readJsonBody(request('{"a":')), { ok: false, reason: 'notJson' }));
  it('stops at the limit', async () => assert.deepEqual(await readJsonBody(request(`"${'x'.repeat(100)}"`), 50), { ok: false, reason: 'tooLarge' }));
  it('refuses a declared length over the limit before reading', async () => {
    assert.deepEqual(await readJsonBody(request('{}', { 'content-length': '51' }), 50), { ok: false, reason: 'tooLarge' });
  });
});
