/** Who the edge serves (channel, tenant, allow-list) and how a refusal is audited. */
import { strict as assert } from 'node:assert';
import { activityTypeCode, auditRefusal, EDGE_REFUSALS, refusalOf } from '../../../../src/platform/http/accessGate';
import { parseEnvelope, ActivityEnvelope } from '../../../../src/platform/http/activityEnvelope';
import type { AuditEntry } from '../../../../src/platform/audit/audit';
import type { AuditLog } from '../../../../src/platform/ports';
import { InMemoryAuditLog } from '../../fakes';
import { testEnvironment } from '../../fixtures';

const T = '72f988bf-0000-4000-8000-000000000001';
const OTHER = 'bbbbbbbb-0000-4000-8000-000000000002';
const USER = '00000000-0000-4000-8000-00000000a001';

function envelope(over: Record<string, unknown> = {}): ActivityEnvelope {
  const parsed = parseEnvelope({
    type: 'message',
    id: 'act-1',
    channelId: 'msteams',
    serviceUrl: 'https://smba.trafficmanager.net/emea/',
    from: { id: '29:x', aadObjectId: USER },
    recipient: { id: '28:bot' },
    conversation: { id: 'a:personal', conversationType: 'personal', tenantId: T },
    channelData: { tenant: { id: T } },
    ...over,
  });
  assert.ok(parsed.ok);
  return parsed.activity;
}

describe('refusalOf', () => {
  const cases: Array<[string, Record<string, unknown>, readonly string[] | undefined, ReturnType<typeof refusalOf>]> = [
    ['Teams, allowed tenant', {}, [T], undefined],
    ['Teams, no allow-list', { channelData: { tenant: { id: OTHER } }, conversation: { id: 'c' } }, undefined, undefined],
    ['an upper-case tenant id on the (lower-case) list', { channelData: { tenant: { id: T.toUpperCase() } }, conversation: { id: 'c' } }, [T], undefined],
    ['webchat', { channelId: 'webchat' }, [T], { reason: 'channel' }],
    ['emulator, even without an allow-list', { channelId: 'emulator' }, undefined, { reason: 'channel' }],
    ['MSTEAMS in other case', { channelId: 'MSTEAMS' }, undefined, { reason: 'channel' }],
    ['a tenant not on the list', { channelData: { tenant: { id: OTHER } }, conversation: { id: 'c' } }, [T], { reason: 'tenant', check: 'notAllowed' }],
    ['no channelData tenant', { channelData: {} }, [T], { reason: 'tenant', check: 'missing' }],
    ['no channelData tenant, no allow-list', { channelData: undefined }, undefined, { reason: 'tenant', check: 'missing' }],
    ['conversation.tenantId disagreeing', { conversation: { id: 'c', tenantId: OTHER } }, [T, OTHER], { reason: 'tenant', check: 'mismatch' }],
  ];
  for (const [name, over, allowed, expected] of cases) {
    it(name, () => assert.deepEqual(refusalOf(envelope(over), allowed), expected));
  }
});

describe('auditRefusal', () => {
  it('writes codes and ids only, in the edge partition', async () => {
    const audit = new InMemoryAuditLog();
    await auditRefusal(audit, testEnvironment(), envelope({ channelData: { tenant: { id: OTHER } }, conversation: { id: 'c' } }), { reason: 'tenant', check: 'notAllowed' });
    const [entry] = audit.entries;
    assert.equal(entry?.planId, EDGE_REFUSALS);
    assert.equal(entry?.tenantId, OTHER);
    assert.equal(entry?.actorId, USER);
    assert.deepEqual(entry?.details, { reason: 'tenant', check: 'notAllowed', activityType: 'message' });
  });

  it('keeps client text out: ids that are not GUIDs and unknown types become codes', async () => {
    const audit = new InMemoryAuditLog();
    const activity = envelope({ type: 'Nina Hansen wrote this', channelId: 'webchat', from: { id: 'x', aadObjectId: 'Nina Hansen' }, channelData: { tenant: { id: 'contoso' } }, conversation: { id: 'c' } });
    await auditRefusal(audit, testEnvironment(), activity, { reason: 'channel' });
    const [entry] = audit.entries;
    assert.equal(entry?.tenantId, 'unknown');
    assert.equal(entry?.actorId, 'unknown');
    assert.deepEqual(entry?.details, { reason: 'channel', activityType: 'other' });
    assert.doesNotMatch(JSON.stringify(entry), /Nina|contoso/);
  });

  it('gives a retried activity the same entry id, and a duplicate (409) is not an error', async () => {
    const ids: string[] = [];
    const conflictOnSecond: AuditLog = {
      record: async ([e]: AuditEntry[]) => {
        if (ids.includes(e!.id)) throw Object.assign(new Error('conflict'), { code: 409 });
        ids.push(e!.id);
      },
      get: async () => undefined,
      listForPlan: async () => [],
      latestForPlan: async () => ({ entries: [], total: 0 }),
    };
    const activity = envelope({ channelId: 'webchat' });
    await auditRefusal(conflictOnSecond, testEnvironment(), activity, { reason: 'channel' });
    await auditRefusal(conflictOnSecond, testEnvironment(), activity, { reason: 'channel' });
    assert.equal(ids.length, 1);
  });

  it('passes any other storage failure on (the edge then answers 500)', async () => {
    const failing: AuditLog = {
      record: async () => Promise.reject(Object.assign(new Error('unavailable'), { code: 503 })),
      get: async () => undefined,
      listForPlan: async () => [],
      latestForPlan: async () => ({ entries: [], total: 0 }),
    };
    await assert.rejects(auditRefusal(failing, testEnvironment(), envelope({ channelId: 'webchat' }), { reason: 'channel' }), /unavailable/);
  });

  it('names known activity types and nothing else', () => {
    assert.equal(activityTypeCode('invoke'), 'invoke');
    assert.equal(activityTypeCode('conversationUpdate'), 'conversationUpdate');
    assert.equal(activityTypeCode('<script>'), 'other');
  });
});
