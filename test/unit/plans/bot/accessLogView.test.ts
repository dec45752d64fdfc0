/**
 * The "who has seen my plan" card in Danish, English and Swedish: valid for
 * Teams, well under 28 KB with 50 entries of long names, who in words the
 * coordinator knows, when in the reader's time zone, what in plain words,
 * newest first, and a note when there are more.
 */
import assert from 'node:assert/strict';
import { AUDIT_ACTIONS, AuditEntry, DENIAL_REASONS, auditEntry } from '../../../../src/platform/audit/audit';
import { ACCESS_LOG_LIMIT } from '../../../../src/plans/domain/accessLog';
import { ACCESS_LOG_CARD_BUDGET, accessLogCard, actionText, actorName } from '../../../../src/plans/bot/accessLogView';
import { plainText } from '../../../../src/platform/cards/markdown';
import type { CarePlan, Contact } from '../../../../src/plans/domain/carePlan';
import { LIMITS } from '../../../../src/plans/domain/carePlan';
import { formatDateTime, localeOf } from '../../../../src/platform/i18n';
import { removeContact } from '../../../../src/plans/domain/planEdits';
import { OWNER, maxText, ownerActor, planWithTeamsNetwork, uuidOf } from '../../fixtures';
import { cardProblems, visibleTexts } from '../../platform/cards/adaptiveCardCheck';

const MAX_CARD_BYTES = 28 * 1024;
const plan = (): CarePlan => planWithTeamsNetwork('Mor Hansen');
const at = (minutes: number) => new Date(Date.parse('2026-03-10T09:00:00.000Z') - minutes * 60_000);
const entry = (minutes: number, actorId: string, action: AuditEntry['action'], details?: AuditEntry['details']): AuditEntry =>
  auditEntry(uuidOf(minutes + 1), at(minutes), { tenantId: OWNER.tenantId, userId: actorId }, plan().id, action, details);

/** A network of 30 contacts in Teams, every name at its maximum length with Danish letters, and 50 entries by them. */
function longNames(): { plan: CarePlan; entries: AuditEntry[] } {
  const base = plan();
  const contacts: Contact[] = Array.from({ length: LIMITS.contacts }, (_, i) => ({
    ...base.contacts[1]!,
    id: uuidOf(7000 + i),
    name: maxText(LIMITS.name, `Ææ Øø Åå ${i} Kristensen-Østergaard `),
    teamsUserId: `aad-${i}`,
  }));
  const entries = Array.from({ length: ACCESS_LOG_LIMIT }, (_, i) =>
    entry(i, `aad-${i % LIMITS.contacts}`, i % 3 === 0 ? 'access.denied' : AUDIT_ACTIONS[i % AUDIT_ACTIONS.length]!, { reason: DENIAL_REASONS[i % DENIAL_REASONS.length]! }),
  );
  return { plan: { ...base, contacts, memberIds: contacts.map((c) => c.teamsUserId!) }, entries };
}

for (const tag of ['da-DK', 'en-GB', 'sv-SE']) {
  describe(`the access log card (${tag})`, () => {
    const loc = localeOf(tag);

    it('with 50 entries of the longest names: valid Adaptive Card 1.5, fully expanded, well under 28 KB, all 50 shown', () => {
      const { plan: p, entries } = longNames();
      const card = accessLogCard(p, entries, 50, loc);
      const json = JSON.stringify(card);
      assert.deepEqual(cardProblems(card), []);
      assert.ok(!json.includes('${'));
      assert.ok(Buffer.byteLength(json) <= ACCESS_LOG_CARD_BUDGET && ACCESS_LOG_CARD_BUDGET < MAX_CARD_BYTES, `${Buffer.byteLength(json)} bytes`);
      const facts = (card.body as Array<{ type: string; facts?: unknown[] }>).find((b) => b.type === 'FactSet')!.facts!;
      assert.equal(facts.length, 50);
    });

    it('the widest names the limit allows (three bytes a letter) still show all 50 under the budget', () => {
      const { plan: p, entries } = longNames();
      const wide = { ...p, contacts: p.contacts.map((c) => ({ ...c, name: '東京都'.repeat(LIMITS.name / 3) })) };
      const card = accessLogCard(wide, entries, 50, loc);
      assert.ok(Buffer.byteLength(JSON.stringify(card)) <= ACCESS_LOG_CARD_BUDGET, `${Buffer.byteLength(JSON.stringify(card))} bytes`);
      assert.equal((card.body as Array<{ type: string; facts?: unknown[] }>).find((b) => b.type === 'FactSet')!.facts!.length, 50);
    });

    it('names beyond any limit (data from elsewhere) never make a card Teams refuses: fewer entries, and the card says so', () => {
      const { plan: p, entries } = longNames();
      const wide = { ...p, contacts: p.contacts.map((c) => ({ ...c, name: '東京都'.repeat(LIMITS.name) })) };
      const card = accessLogCard(wide, entries, 180, loc);
      assert.ok(Buffer.byteLength(JSON.stringify(card)) <= ACCESS_LOG_CARD_BUDGET);
      const facts = (card.body as Array<{ type: string; facts?: unknown[] }>).find((b) => b.type === 'FactSet')!.facts!;
      assert.ok(facts.length > 10 && facts.length < 50, `${facts.length} shown`);
      assert.ok(visibleTexts(card).includes(loc.t.accessLog.more.replace('{n}', String(facts.length)).replace('{total}', '180')));
    });

    it('who, when and what, newest first, in the reader’s words and time zone', () => {
      const p = plan();
      const colleague = p.contacts[1]!;
      const entries = [
        entry(1, colleague.teamsUserId!, 'plan.read'),
        entry(2, 'system:reminder', 'meeting.read'),
        entry(3, `link:${OWNER.userId}`, 'meeting.icsDownloaded', { contactId: 'relative-1' }),
        entry(4, 'aad-stranger', 'access.denied', { reason: 'notMember', target: 'plan' }),
        entry(5, OWNER.userId, 'plan.created'),
      ];
      const inNewYork = localeOf(tag, 'America/New_York');
      const texts = visibleTexts(accessLogCard(p, entries, entries.length, inNewYork));
      const rows = [
        `${colleague.name} – ${loc.t.accessLog.actions.plan.read}`,
        `${loc.t.accessLog.who.reminder} – ${loc.t.accessLog.actions.meeting.read}`,
        `${loc.t.accessLog.who.link} (Mor Hansen) – ${loc.t.accessLog.actions.meeting.icsDownloaded}`,
        `${loc.t.accessLog.who.unknown} – ${loc.t.accessLog.actions.access.denied.replace('{reason}', loc.t.accessLog.reasons.notMember)}`,
        `${OWNER.name} – ${loc.t.accessLog.actions.plan.created}`,
      ];
      const positions = rows.map((r) => texts.indexOf(r));
      assert.ok(positions.every((i) => i >= 0), `missing rows: ${rows.filter((_, i) => positions[i]! < 0).join(' | ')}\n${texts.join('\n')}`);
      assert.deepEqual([...positions].sort((a, b) => a - b), positions, 'newest first');
      assert.ok(texts.includes(plainText(formatDateTime(at(1).toISOString(), inNewYork))), 'in the reader’s time zone');
      assert.ok(!texts.includes(plainText(formatDateTime(at(1).toISOString(), localeOf(tag, 'Europe/Copenhagen')))));
      assert.ok(texts.some((t) => t.includes(p.reference)));
      assert.ok(!texts.some((t) => t.includes(loc.t.accessLog.empty)), 'no "empty" note');
    });

    it('somebody who saw the plan and was unlinked since (or was asked and said no) is named by the contact they are not', () => {
      const p = plan();
      const unlinked = { ...p, contacts: p.contacts.map((c, i) => (i === 1 ? { ...c, teamsUserId: undefined, declinedTeamsUserIds: ['aad-wrong-person'] } : c)) };
      const texts = visibleTexts(accessLogCard(unlinked, [entry(1, 'aad-wrong-person', 'plan.read'), entry(2, 'aad-nobody', 'plan.read')], 2, loc));
      const name = p.contacts[1]!.name;
      assert.ok(texts.includes(`${loc.t.accessLog.who.notLinked.replace('{name}', name)} – ${loc.t.accessLog.actions.plan.read}`), texts.join('\n'));
      assert.ok(texts.includes(`${loc.t.accessLog.who.unknown} – ${loc.t.accessLog.actions.plan.read}`));
    });

    it('somebody removed from the network since is still named, as removed; their removal is in plain words', () => {
      const p = { ...plan(), memberIds: [OWNER.userId, 'aad-colleague'] };
      const removed = removeContact(p, ownerActor(), p.contacts[1]!.id, at(0));
      assert.equal(removed.kind, 'changed');
      const after = (removed as { plan: CarePlan }).plan;
      const texts = visibleTexts(accessLogCard(after, [entry(1, OWNER.userId, 'plan.changed', { change: 'contactRemoved' }), entry(2, 'aad-colleague', 'plan.read')], 2, loc));
      assert.ok(texts.includes(`${loc.t.accessLog.who.removed.replace('{name}', p.contacts[1]!.name)} – ${loc.t.accessLog.actions.plan.read}`), texts.join('\n'));
      assert.ok(texts.some((x) => x.endsWith(loc.t.accessLog.actions.plan.changed)));
    });

    it('a document download names whose copy it was: a contact’s link, the citizen’s link, or the Teams user', () => {
      const p = plan();
      const mother = p.contacts.find((c) => c.id === 'relative-1')!;
      const entries = [
        entry(1, 'link:citizen', 'plan.documentRead'),
        entry(2, `link:${mother.id}`, 'plan.documentRead'),
        entry(3, `link:${mother.id}`, 'access.denied', { target: 'document', reason: 'gone' }),
        entry(4, p.contacts[1]!.teamsUserId!, 'plan.documentRead'),
      ];
      const texts = visibleTexts(accessLogCard(p, entries, entries.length, loc));
      const { who, actions, reasons } = loc.t.accessLog;
      for (const row of [
        `${who.citizenLink} – ${actions.plan.documentRead}`,
        `${who.documentLink.replace('{name}', mother.name)} – ${actions.plan.documentRead}`,
        `${who.documentLink.replace('{name}', mother.name)} – ${actions.access.denied.replace('{reason}', reasons.gone)}`,
        `${p.contacts[1]!.name} – ${actions.plan.documentRead}`,
      ]) assert.ok(texts.includes(row), `${row}\n${texts.join('\n')}`);
    });

    it('says when there are more entries than shown, and when there are none', () => {
      const p = plan();
      const some = accessLogCard(p, [entry(1, OWNER.userId, 'plan.read')], 73, loc);
      assert.ok(visibleTexts(some).includes(loc.t.accessLog.more.replace('{n}', '1').replace('{total}', '73')));
      const none = accessLogCard(p, [], 0, loc);
      assert.deepEqual(cardProblems(none), []);
      assert.ok(visibleTexts(none).includes(loc.t.accessLog.empty));
    });

    it('has plain words for every action and every refusal reason, and names codes it does not know', () => {
      for (const action of AUDIT_ACTIONS) {
        const words = actionText({ action, details: { reason: 'stale' } }, loc);
        assert.ok(words && !words.includes(action) && !words.includes('{'), `${action}: ${words}`);
      }
      const reasons = DENIAL_REASONS.map((reason) => actionText({ action: 'access.denied', details: { reason } }, loc));
      assert.equal(new Set(reasons).size, DENIAL_REASONS.length);
      assert.equal(actionText({ action: 'card.stale' as AuditEntry['action'] }, loc), loc.t.accessLog.otherAction.replace('{code}', 'card.stale'));
      assert.equal(actionText({ action: 'access.denied', details: { target: 'plan' } }, loc), loc.t.accessLog.refused, 'an older refusal without a reason');
    });

    it('shows names and times as typed, never as markdown (emphasis, links, a list starting "12.")', () => {
      const p = { ...plan(), contacts: plan().contacts.map((c, i) => (i === 1 ? { ...c, name: '12. *Bo* [Berg](x)' } : c)) };
      assert.equal(actorName(p, { actorId: p.contacts[1]!.teamsUserId! }, loc), '12. *Bo* [Berg](x)');
      const texts = visibleTexts(accessLogCard(p, [entry(1, p.contacts[1]!.teamsUserId!, 'plan.read')], 1, localeOf('da-DK')));
      assert.ok(texts.includes(`12.\u00A0\\*Bo\\* \\[Berg\\](x) – ${localeOf('da-DK').t.accessLog.actions.plan.read}`), texts.join('\n'));
      assert.ok(texts.some((t) => /^10\.\u00A0mar/.test(t)), 'a Danish date at the start of a fact title is no list');
    });
  });
}
