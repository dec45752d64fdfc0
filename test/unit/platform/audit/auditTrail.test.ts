/**
 * The audit trail's rules in one place: a change once (a replay with the same
 * key adds nothing), a look once per actor, thing and 15 minutes (also across
 * a window boundary), a refusal every time, a refused look once per window.
 */
import assert from 'node:assert/strict';
import { AuditTrail } from '../../../../src/platform/audit/auditTrail';
import { AUDIT_ACTIONS, READ_ACTIONS, READ_WINDOW_MS, auditEntry, retentionSeconds } from '../../../../src/platform/audit/audit';
import { OTHER_USER, OWNER, testEnvironment, uuidOf } from '../../fixtures';
import { InMemoryAuditLog } from '../../fakes';

const PLAN = uuidOf(4001);
const MINUTE = 60_000;

function setup(start = '2026-03-10T09:00:00.000Z') {
  const env = testEnvironment(start);
  const log = new InMemoryAuditLog();
  return { env, log, trail: new AuditTrail(log, env) };
}

describe('audit/AuditTrail', () => {
  it('a change without a key is its own entry every time', async () => {
    const s = setup();
    await s.trail.changed(OWNER, PLAN, 'checklist.updated', { changed: 1 });
    await s.trail.changed(OWNER, PLAN, 'checklist.updated', { changed: 1 });
    assert.deepEqual(s.log.written(), ['checklist.updated', 'checklist.updated']);
  });

  it('a change with a key is recorded once however often it is replayed, at the time it happened', async () => {
    const s = setup();
    const once = { key: ['meeting-1'], at: '2026-03-09T08:00:00.000Z' };
    await s.trail.changed(OWNER, PLAN, 'meeting.scheduled', { meetingId: 'meeting-1' }, once);
    s.env.advance(60 * MINUTE);
    await s.trail.changed(OWNER, PLAN, 'meeting.scheduled', { meetingId: 'meeting-1' }, once);
    await s.trail.changed(OWNER, PLAN, 'meeting.scheduled', { meetingId: 'meeting-2' }, { key: ['meeting-2'] });
    assert.deepEqual(s.log.entries.map((e) => [e.action, e.details?.meetingId, e.at]), [
      ['meeting.scheduled', 'meeting-1', '2026-03-09T08:00:00.000Z'],
      ['meeting.scheduled', 'meeting-2', '2026-03-10T10:00:00.000Z'],
    ]);
  });

  it('a look is one entry however often it is repeated within 15 minutes', async () => {
    const s = setup();
    for (let i = 0; i < 100; i++) {
      await s.trail.read(OWNER, PLAN, 'meeting.read', 'meeting:m1');
      s.env.advance(5_000); // 100 views over 8 minutes
    }
    assert.deepEqual(s.log.written(), ['meeting.read']);
    assert.equal(s.log.entries[0]!.at, '2026-03-10T09:00:00.000Z', 'the time of the first look');
  });

  it('another actor, another thing or another kind of look is another entry', async () => {
    const s = setup();
    await s.trail.read(OWNER, PLAN, 'meeting.read', 'meeting:m1');
    await s.trail.read(OTHER_USER, PLAN, 'meeting.read', 'meeting:m1');
    await s.trail.read(OWNER, PLAN, 'meeting.read', 'meeting:m2');
    await s.trail.read(OWNER, PLAN, 'plan.read', 'plan');
    await s.trail.read({ ...OWNER, tenantId: 'other-tenant' }, PLAN, 'meeting.read', 'meeting:m1');
    assert.equal(s.log.entries.length, 5);
    assert.equal(new Set(s.log.entries.map((e) => e.id)).size, 5);
  });

  it('looking again after the window is a new entry', async () => {
    const s = setup();
    await s.trail.read(OWNER, PLAN, 'plan.read', 'plan');
    s.env.advance(READ_WINDOW_MS + MINUTE);
    await s.trail.read(OWNER, PLAN, 'plan.read', 'plan');
    assert.deepEqual(s.log.written(), ['plan.read', 'plan.read']);
  });

  it('a run of looks across a window boundary is still one entry, until 15 minutes after the first', async () => {
    // 09:14 is one minute before the boundary at 09:15 (windows start at whole quarters since the epoch).
    const s = setup('2026-03-10T09:14:00.000Z');
    await s.trail.read(OWNER, PLAN, 'invitation.read', 'invitation:m1:c1');
    s.env.advance(2 * MINUTE); // 09:16, next window
    await s.trail.read(OWNER, PLAN, 'invitation.read', 'invitation:m1:c1');
    s.env.advance(12 * MINUTE); // 09:28, still within 15 minutes of the first look
    await s.trail.read(OWNER, PLAN, 'invitation.read', 'invitation:m1:c1');
    assert.deepEqual(s.log.written(), ['invitation.read']);
    s.env.advance(2 * MINUTE); // 09:30: more than 15 minutes after the first look
    await s.trail.read(OWNER, PLAN, 'invitation.read', 'invitation:m1:c1');
    await s.trail.read(OWNER, PLAN, 'invitation.read', 'invitation:m1:c1');
    assert.deepEqual(s.log.entries.map((e) => e.at), ['2026-03-10T09:14:00.000Z', '2026-03-10T09:30:00.000Z']);
  });

  it('two bot instances (two trails over one log) agree on the look without talking', async () => {
    const s = setup();
    const other = new AuditTrail(s.log, testEnvironment('2026-03-10T09:03:00.000Z', 500));
    await Promise.all([s.trail.read(OWNER, PLAN, 'plan.read', 'plan'), other.read(OWNER, PLAN, 'plan.read', 'plan')]);
    assert.deepEqual(s.log.written(), ['plan.read']);
  });

  it('a look this process saw recorded costs no read again within the window, and is recorded again after it', async () => {
    const s = setup('2026-03-10T09:14:00.000Z');
    let reads = 0;
    const get = s.log.get.bind(s.log);
    s.log.get = async (...args) => (reads++, get(...args));
    await s.trail.read(OWNER, PLAN, 'plan.read', 'plan');
    const first = reads;
    // Another service's trail over the same log (each service makes its own) knows it too, across the boundary.
    const other = new AuditTrail(s.log, s.env);
    for (let i = 0; i < 14; i++) {
      s.env.advance(MINUTE);
      await other.read(OWNER, PLAN, 'plan.read', 'plan');
    }
    assert.equal(reads, first, 'no read for a look already recorded');
    s.env.advance(MINUTE); // 09:29: 15 minutes after the first look
    await s.trail.read(OWNER, PLAN, 'plan.read', 'plan');
    assert.deepEqual(s.log.entries.map((e) => e.at), ['2026-03-10T09:14:00.000Z', '2026-03-10T09:29:00.000Z']);
  });

  it('what one log has recorded says nothing about another log', async () => {
    const a = setup();
    const b = { log: new InMemoryAuditLog() };
    await a.trail.read(OWNER, PLAN, 'plan.read', 'plan');
    await new AuditTrail(b.log, a.env).read(OWNER, PLAN, 'plan.read', 'plan');
    assert.deepEqual(b.log.written(), ['plan.read']);
  });

  it('a refused attempt is recorded every time, with its reason and target', async () => {
    const s = setup();
    await s.trail.refused(OTHER_USER, PLAN, 'notOrganiser', 'meeting:m1', { action: 'cancel' });
    await s.trail.refused(OTHER_USER, PLAN, 'notOrganiser', 'meeting:m1', { action: 'cancel' });
    assert.deepEqual(s.log.written(), ['access.denied:notOrganiser', 'access.denied:notOrganiser']);
    assert.deepEqual(s.log.entries[0]!.details, { reason: 'notOrganiser', target: 'meeting:m1', action: 'cancel' });
  });

  it('a refused look (a card refresh for somebody else) is recorded once per window', async () => {
    const s = setup();
    for (let i = 0; i < 20; i++) await s.trail.refusedRead(OTHER_USER, PLAN, 'notInvited', 'invitation:m1:c1');
    await s.trail.refusedRead(OTHER_USER, PLAN, 'notInvited', 'invitation:m1:c2');
    assert.deepEqual(s.log.written(), ['access.denied:notInvited', 'access.denied:notInvited']);
  });

  it('writes ids and codes only', async () => {
    const s = setup();
    await s.trail.read(OWNER, PLAN, 'plan.read', 'plan', { via: 'list' });
    const [e] = s.log.entries;
    assert.deepEqual(Object.keys(e!).sort(), ['action', 'actorId', 'at', 'details', 'id', 'planId', 'tenantId']);
    assert.ok(!JSON.stringify(s.log.entries).includes(OWNER.name));
  });

  it('every look is a known action; retention is whole days in seconds', () => {
    for (const a of READ_ACTIONS) assert.ok((AUDIT_ACTIONS as readonly string[]).includes(a));
    assert.equal(retentionSeconds(1826), 157_766_400);
    assert.ok(retentionSeconds(24_855) < 2 ** 31, 'Cosmos ttl is a 32-bit number of seconds');
    assert.equal('details' in auditEntry('x', new Date(0), OWNER, PLAN, 'plan.read'), false, 'no empty details');
  });
});
