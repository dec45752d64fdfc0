import { strict as assert } from 'node:assert';
import {
  acknowledge, channelConversationId, composeInputSchema, escalationSkip, fieldErrors, helpInputSchema, inSameTeam, markEscalated, newMessage, newUnit,
  registrationInputSchema, statusOf, takeHelp, type AcuteUnit, type HelpRequest,
} from '../../../../src/acute/domain/acute';

const T0 = new Date('2026-11-24T20:00:00.000Z');
const unit = (id: string, minutes = 10): AcuteUnit =>
  newUnit(id, 't1', registrationInputSchema.parse({ name: `Bosted ${id}`, escalationMinutes: String(minutes) }), { conversationId: `19:${id}@thread.tacv2`, serviceUrl: 'https://smba.example/' }, 'owner', T0);
const post = (urgency: 'urgent' | 'info' = 'urgent') => newMessage('m1', 't1', { text: 'Ring tilbage', urgency }, { kind: 'user', userId: 'nina', name: 'Nina' }, [unit('a'), unit('b', 5)], T0);

describe('acute domain', () => {
  it('a unit is managed from its own channel or another channel of its team, never from another team', () => {
    const u = { ...unit('a'), channel: { conversationId: '19:a@thread.tacv2', serviceUrl: 'https://s/', teamId: '19:team-a', teamGroupId: 'g-a' } };
    assert.ok(inSameTeam(u, { conversationId: '19:a@thread.tacv2' }));
    assert.ok(inSameTeam(u, { conversationId: '19:general-a', teamId: '19:team-a' }));
    assert.ok(!inSameTeam(u, { conversationId: '19:b@thread.tacv2', teamId: '19:team-b', teamGroupId: 'g-a' }), 'the Teams team id decides when both have one');
    assert.ok(!inSameTeam(u, { conversationId: '19:b@thread.tacv2' }));
    // A unit registered before the team id was kept: its Entra group decides.
    const older = { ...u, channel: { conversationId: '19:a@thread.tacv2', serviceUrl: 'https://s/', teamGroupId: 'g-a' } };
    assert.ok(inSameTeam(older, { conversationId: '19:x', teamId: '19:team-a', teamGroupId: 'g-a' }));
    assert.ok(!inSameTeam(older, { conversationId: '19:x', teamGroupId: 'g-b' }));
  });

  it('registration: defaults to 10 minutes, tag and manager go in pairs, minutes 1–240', () => {
    assert.equal(registrationInputSchema.parse({ name: 'Lyngen', escalationMinutes: '' }).escalationMinutes, 10);
    const bad = registrationInputSchema.safeParse({ name: ' ', tagId: 'tag-1', managerName: 'Lis', escalationMinutes: '241' });
    assert.ok(!bad.success);
    assert.deepEqual(fieldErrors(bad.error), { name: 'required', escalationMinutes: 'minutes', tagName: 'pair', managerId: 'pair' });
    const u = newUnit('u', 't', registrationInputSchema.parse({ name: 'L', tagId: 'tag-1', tagName: 'Nattevagt', escalationMinutes: '3' }), { conversationId: 'c', serviceUrl: 'https://s/' }, 'o', T0);
    assert.deepEqual(u.onCallTag, { id: 'tag-1', name: 'Nattevagt' });
    assert.equal(u.manager, undefined);
  });

  it('posting input: "all" wins, a reference is normalised and must look like one', () => {
    assert.equal(composeInputSchema.parse({ units: 'a,all', text: 'x', urgency: 'info' }).units, 'all');
    assert.deepEqual(composeInputSchema.parse({ units: 'a,b,a', text: 'x', urgency: 'urgent', planReference: ' kip-7k3m-q2xd ' }), { units: ['a', 'b'], text: 'x', urgency: 'urgent', planReference: 'KIP-7K3M-Q2XD' });
    const bad = composeInputSchema.safeParse({ units: '', text: '', urgency: 'now', planReference: 'Jens Jensen' });
    assert.ok(!bad.success);
    assert.deepEqual(fieldErrors(bad.error), { units: 'chooseUnits', text: 'required', urgency: 'chooseUrgency', planReference: 'reference' });
  });

  it('an urgent post escalates per unit at its own time; information never does', () => {
    const m = post();
    assert.deepEqual(m.units.map((u) => u.escalateAt), ['2026-11-24T20:10:00.000Z', '2026-11-24T20:05:00.000Z']);
    assert.deepEqual(post('info').units.map((u) => u.escalateAt), [undefined, undefined]);
    assert.equal(escalationSkip(post('info'), 'a', new Date('2026-11-25T00:00:00Z')), 'notUrgent');
    assert.equal(escalationSkip(m, 'a', new Date('2026-11-24T20:09:59Z')), 'early');
    assert.equal(escalationSkip(m, 'a', new Date('2026-11-24T20:10:00Z')), undefined);
    assert.equal(escalationSkip(m, 'zz', T0), 'gone');
    assert.equal(escalationSkip(undefined, 'a', T0), 'gone');
    const done = markEscalated(m, 'a', new Date('2026-11-24T20:10:00Z'));
    assert.equal(escalationSkip(done, 'a', new Date('2026-11-24T20:30:00Z')), 'done');
    assert.equal(done.revision, m.revision + 1);
  });

  it('an acknowledgement stops that unit’s escalation only; a repeat or "seen" after "taken" changes nothing', () => {
    const m = post();
    const r = acknowledge(m, 'a', { id: 'per', name: 'Per' }, 'taken', T0);
    assert.equal(r.kind, 'changed');
    const after = r.kind === 'changed' ? r.message : m;
    assert.equal(after.revision, 2);
    assert.equal(escalationSkip(after, 'a', new Date('2026-11-24T21:00:00Z')), 'acknowledged');
    assert.equal(escalationSkip(after, 'b', new Date('2026-11-24T21:00:00Z')), undefined);
    assert.equal(acknowledge(after, 'a', { id: 'per', name: 'Per' }, 'taken', T0).kind, 'unchanged');
    assert.equal(acknowledge(after, 'a', { id: 'per', name: 'Per' }, 'seen', T0).kind, 'unchanged');
    assert.equal(acknowledge(after, 'nope', { id: 'per', name: 'Per' }, 'seen', T0).kind, 'notFound');
    const seenThenTaken = acknowledge(after, 'b', { id: 'ole', name: 'Ole' }, 'seen', T0);
    const upgraded = seenThenTaken.kind === 'changed' && acknowledge(seenThenTaken.message, 'b', { id: 'ole', name: 'Ole' }, 'taken', T0);
    assert.ok(upgraded && upgraded.kind === 'changed');
    assert.deepEqual(upgraded.message.units[1]!.acknowledgements.map((a) => a.kind), ['taken']);
    assert.deepEqual(statusOf(upgraded.message).units.map((u) => u.acknowledgements.map((a) => `${a.by}:${a.kind}`)), [['Per:taken'], ['Ole:taken']]);
  });

  it('a help request has one owner: the first taker', () => {
    const help: HelpRequest = { docType: 'help', id: 'h', tenantId: 't', unitId: 'a', unitName: 'A', need: 'x', urgency: 'urgent', callBack: '+45 1', byId: 'per', by: 'Per', createdAt: T0.toISOString(), revision: 1 };
    const first = takeHelp(help, { id: 'n1', name: 'N1' }, T0);
    assert.equal(first.kind, 'taken');
    const second = takeHelp(first.request, { id: 'n2', name: 'N2' }, T0);
    assert.equal(second.kind, 'alreadyTaken');
    assert.equal(second.request.takenBy?.by, 'N1');
    assert.ok(!helpInputSchema.safeParse({ need: 'x', urgency: 'urgent', callBack: 'call me' }).success);
  });

  it('a thread’s conversation id is cut to its channel', () => {
    assert.equal(channelConversationId('19:abc@thread.tacv2;messageid=1732'), '19:abc@thread.tacv2');
    assert.equal(channelConversationId('19:abc@thread.tacv2'), '19:abc@thread.tacv2');
  });
});
