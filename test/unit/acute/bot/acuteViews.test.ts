import { strict as assert } from 'node:assert';
import { helpCard, helpFormCard, composeCard, postCard, registerCard, statusCard, unitsCard } from '../../../../src/acute/bot/acuteViews';
import { acknowledge, fieldErrors, markEscalated, newMessage, newUnit, registrationInputSchema, type HelpRequest } from '../../../../src/acute/domain/acute';
import { localeOf } from '../../../../src/platform/i18n';
import { ADAPTIVE_CARD, outboxActivitySchema } from '../../../../src/platform/outbox/model';
import { cardProblems, visibleTexts } from '../../platform/cards/adaptiveCardCheck';

const T0 = new Date('2026-11-24T20:00:00.000Z');
const unit = newUnit('u1', 't1', registrationInputSchema.parse({ name: 'Bostedet *Lyngen*', tagId: 'tag-1', tagName: 'Nattevagt <3>', managerId: 'aad-lis', managerName: 'Lis Leder', escalationMinutes: '10' }), { conversationId: '19:c@thread.tacv2', serviceUrl: 'https://s/' }, 'o', T0);
const message = newMessage('m1', 't1', { text: '12. marts: **ring** <at>x</at>', urgency: 'urgent', whatToDo: 'Tjek medicin', planReference: 'KIP-7K3M-Q2XD' }, { kind: 'user', userId: 'nina', name: 'Nina' }, [unit], T0);
const help: HelpRequest = { docType: 'help', id: 'h1', tenantId: 't1', unitId: 'u1', unitName: unit.name, need: 'Råd nu', urgency: 'urgent', callBack: '+45 70 20 30 40', byId: 'per', by: 'Per', createdAt: T0.toISOString(), revision: 1 };

describe('acute views', () => {
  for (const lang of ['da', 'en', 'sv']) {
    const loc = localeOf(lang);
    it(`every acute card is valid Adaptive Card 1.5 for Teams (${lang})`, () => {
      const taken = acknowledge(message, 'u1', { id: 'per', name: 'Per' }, 'taken', T0);
      const cards = [
        registerCard(loc), registerCard(loc, { name: '' }, { name: 'required', tagName: 'pair' }), unitsCard([unit], loc, true, 'ok'), unitsCard([], loc, false),
        composeCard([unit], loc, 'f1'), composeCard([unit], loc, 'f1', { text: 'x' }, { units: 'chooseUnits', planReference: 'reference' }),
        postCard(message, unit, loc), postCard(taken.kind === 'changed' ? taken.message : message, unit, loc, { notice: 'n' }), postCard(markEscalated(message, 'u1', T0), unit, loc, { escalation: true }),
        statusCard(message, loc), helpFormCard(unit, loc, 'f2'), helpCard(help, loc, 'team'), helpCard({ ...help, takenBy: { byId: 'n', by: 'Nurse', at: T0.toISOString() } }, loc, 'unit'),
      ];
      // `msteams` (mentions) is Teams' extension, unknown to the library: the outbox's schema checks it (below).
      for (const { msteams: _teams, ...card } of cards) assert.deepEqual(cardProblems(card), []);
    });
  }

  it('a channel post mentions the on-call tag inside the card, shows typed text as typed, and passes the outbox’s checks', () => {
    const card = postCard(message, unit, localeOf('da'));
    const texts = visibleTexts(card);
    assert.ok(texts.includes('Til <at>Nattevagt 3</at>'));
    assert.ok(texts.some((t) => t.includes('\\*\\*ring\\*\\*') && t.includes('\\<at>x\\</at>')), 'typed markdown and mentions are escaped');
    assert.deepEqual(card.msteams, { entities: [{ type: 'mention', text: '<at>Nattevagt 3</at>', mentioned: { id: 'tag-1', name: 'Nattevagt <3>', type: 'tag' } }] });
    assert.ok(outboxActivitySchema.safeParse({ attachments: [{ contentType: ADAPTIVE_CARD, content: card }] }).success);
    const escalation = postCard(markEscalated(message, 'u1', T0), unit, localeOf('da'), { escalation: true });
    assert.deepEqual((escalation.msteams as { entities: unknown[] }).entities, [{ type: 'mention', text: '<at>Lis Leder</at>', mentioned: { id: 'aad-lis', name: 'Lis Leder' } }]);
    assert.ok(outboxActivitySchema.safeParse({ attachments: [{ contentType: ADAPTIVE_CARD, content: escalation }] }).success);
  });

  it('a unit may name an on-call person to @mention, with or instead of the tag; the escalation re-post names the manager only', () => {
    const input = (extra: Record<string, string>) => registrationInputSchema.parse({ name: 'Skoven', escalationMinutes: '10', personId: 'aad-ib', personName: 'Ib Vagt', ...extra });
    const address = { conversationId: '19:s@thread.tacv2', serviceUrl: 'https://s/' };
    const person = newUnit('u2', 't1', input({}), address, 'o', T0);
    const both = newUnit('u3', 't1', input({ tagId: 'tag-1', tagName: 'Nattevagt' }), address, 'o', T0);
    const ib = { type: 'mention', text: '<at>Ib Vagt</at>', mentioned: { id: 'aad-ib', name: 'Ib Vagt' } };
    const onlyPerson = postCard(newMessage('m2', 't1', { text: 'Ring', urgency: 'urgent' }, { kind: 'system', appId: 'a' }, [person], T0), person, localeOf('da'));
    assert.ok(visibleTexts(onlyPerson).includes('Til <at>Ib Vagt</at>'));
    assert.deepEqual(onlyPerson.msteams, { entities: [ib] });
    const withTag = postCard(newMessage('m3', 't1', { text: 'Ring', urgency: 'urgent' }, { kind: 'system', appId: 'a' }, [both], T0), both, localeOf('en'));
    assert.ok(visibleTexts(withTag).includes('To <at>Nattevagt</at>, <at>Ib Vagt</at>'), visibleTexts(withTag).join('|'));
    assert.equal((withTag.msteams as { entities: unknown[] }).entities.length, 2);
    assert.ok(outboxActivitySchema.safeParse({ attachments: [{ contentType: ADAPTIVE_CARD, content: withTag }] }).success);
    const escalated = postCard(markEscalated(newMessage('m4', 't1', { text: 'Ring', urgency: 'urgent' }, { kind: 'system', appId: 'a' }, [person], T0), 'u2', T0), person, localeOf('da'), { escalation: true });
    assert.equal(escalated.msteams, undefined, 'no manager set: nobody is mentioned on the re-post');
    const half = registrationInputSchema.safeParse({ name: 'Skoven', personName: 'Ib Vagt' });
    assert.ok(!half.success);
    assert.deepEqual(fieldErrors(half.error), { personId: 'pair' });
    assert.deepEqual(cardProblems(registerCard(localeOf('sv'), { personName: 'Ib' }, { personId: 'pair' })), []);
  });

  it('times on the cards are Copenhagen time (20:00 UTC in November is 21.00; in July 22.00)', () => {
    const taken = acknowledge(message, 'u1', { id: 'per', name: 'Per' }, 'taken', T0);
    assert.ok(taken.kind === 'changed');
    assert.match(visibleTexts(postCard(taken.message, unit, localeOf('da'))).join('\n'), /Taget af Per .*21\.00/);
    const summer = new Date('2026-07-01T20:00:00.000Z');
    assert.match(visibleTexts(statusCard(newMessage('m5', 't1', { text: 'x', urgency: 'info' }, { kind: 'user', userId: 'n', name: 'N' }, [unit], summer), localeOf('sv'))).join('\n'), /22[.:]00/);
  });

  it('the help card offers "Jeg tager den" only in the acute team’s channel and only until taken', () => {
    const has = (c: unknown) => JSON.stringify(c).includes('"helpTake"');
    assert.ok(has(helpCard(help, localeOf('da'), 'team')));
    assert.ok(!has(helpCard(help, localeOf('da'), 'unit')));
    assert.ok(!has(helpCard({ ...help, takenBy: { byId: 'n', by: 'Nurse', at: T0.toISOString() } }, localeOf('da'), 'team')));
  });

  it('cards stay far under Teams’ 28 KB with everything at its limit', () => {
    const big = newMessage('m', 't', { text: 'x'.repeat(1000), urgency: 'urgent', whatToDo: 'y'.repeat(500), planReference: 'KIP-7K3M-Q2XD' }, { kind: 'user', userId: 'n', name: 'N' }, [unit], T0);
    let m = big;
    for (let i = 0; i < 30; i++) {
      const r = acknowledge(m, 'u1', { id: `p${i}`, name: 'P'.repeat(120) }, 'seen', T0);
      if (r.kind === 'changed') m = r.message;
    }
    assert.ok(Buffer.byteLength(JSON.stringify(postCard(m, unit, localeOf('da')))) < 20_000);
  });
});
