import { strict as assert } from 'node:assert';
import { helpCard, helpFormCard, composeCard, postCard, registerCard, statusCard, unitsCard } from '../../../../src/acute/bot/acuteViews';
import { acknowledge, markEscalated, newMessage, newUnit, registrationInputSchema, type HelpRequest } from '../../../../src/acute/domain/acute';
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
