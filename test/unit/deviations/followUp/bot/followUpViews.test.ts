/** Every follow-up card in da/en/sv: a valid Adaptive Card 1.5 for Teams, under 28 KB, typed text escaped, buttons that carry what the bot needs. */
import { strict as assert } from 'node:assert';
import { coordinatorSection, escalationCard, handoverPickCard, refusalCard } from '../../../../../src/deviations/followUp/bot/followUpViews';
import { followUpPayloadSchema } from '../../../../../src/deviations/followUp/bot/followUpHandlers';
import { handoverCandidates, newHandover } from '../../../../../src/deviations/followUp/domain/handover';
import { handoverAskCard } from '../../../../../src/deviations/followUp/notify/handoverNotifier';
import { render } from '../../../../../src/deviations/followUp/bot/cardModels';
import { localeOf } from '../../../../../src/platform/i18n';
import { memberIdsFor } from '../../../../../src/plans/domain/carePlan';
import { OWNER, planWithTeamsNetwork } from '../../../fixtures';
import { cardProblems, executeActions } from '../../../platform/cards/adaptiveCardCheck';

const base = planWithTeamsNetwork('**Mor** <at>Hansen</at>');
const plan = { ...base, memberIds: memberIdsFor(base) };
const handover = newHandover(plan, OWNER.userId, handoverCandidates(plan)[0]!, 'h-1', new Date('2026-11-24T10:00:00.000Z'));

describe('followUp/bot/followUpViews', () => {
  for (const language of ['da-DK', 'en-GB', 'sv-SE']) {
    const loc = localeOf(language);
    const cards = {
      reminder: render('followUpReminder', { t: loc.t.followUp, planId: plan.id, facts: [{ title: loc.t.followUp.action, value: 'Søge boligstøtte' }] }),
      pick: handoverPickCard(plan, handoverCandidates(plan), handover, loc),
      pickNobody: handoverPickCard(plan, [], undefined, loc),
      ask: handoverAskCard(plan, handover, '[Nina](https://evil.example)', loc),
      askSecond: handoverAskCard(plan, { ...handover, role: 'secondCoordinator' }, 'Nina', loc),
      pickSecond: handoverPickCard(plan, handoverCandidates(plan, 'secondCoordinator'), undefined, loc, 'secondCoordinator'),
      refusal: refusalCard('stale', loc),
      escalation: escalationCard([{ organisation: 'Slagelse Kommune', userId: '00000000-0000-4000-8000-00000000e0e0', name: 'Ulla *Leder*', addedBy: 'a', addedAt: 'x' }], loc, loc.t.followUp.escalationSaved),
      escalationEmpty: escalationCard([], loc),
    };
    for (const [name, card] of Object.entries(cards)) {
      it(`${language} ${name}: valid, under 28 KB, every button parses`, () => {
        assert.deepEqual(cardProblems(card), []);
        assert.ok(Buffer.byteLength(JSON.stringify(card)) < 28 * 1024);
        for (const action of executeActions(card).filter((a) => a.verb === 'followUp')) {
          const filled = { ...action.data, contactId: handover.toContactId, organisation: 'X', userId: handover.toUserId, name: 'Y' };
          assert.ok(followUpPayloadSchema.safeParse(filled).success, JSON.stringify(action.data));
        }
      });
    }
    it(`${language}: typed names are shown as text, never as a link or a mention`, () => {
      const text = JSON.stringify(cards.ask) + JSON.stringify(cards.escalation);
      assert.doesNotMatch(text, /(?<!\\)\[Nina(?<!\\)\]\(/, 'no link');
      assert.match(text, /\\\\\[Nina/);
      assert.match(text, /Ulla \\\\\*Leder\\\\\*/);
    });
  }

  it('the plan card section offers the handover only to the coordinator of an open plan', () => {
    const loc = localeOf('da-DK');
    assert.deepEqual(coordinatorSection(plan, [], loc, OWNER.userId).buttons.map((b) => b.data.role), ['coordinator', 'secondCoordinator']);
    assert.equal(coordinatorSection(plan, [], loc, 'aad-colleague').buttons.length, 0);
    assert.equal(coordinatorSection({ ...plan, status: 'closed' }, [], loc, OWNER.userId).buttons.length, 0);
    assert.match(coordinatorSection(plan, [handover], loc, OWNER.userId).text, /Venter på svar fra .* om at overtage koordinatorrollen/);
    assert.match(coordinatorSection(plan, [{ ...handover, role: 'secondCoordinator' }], loc, OWNER.userId).text, /om at blive 2\. koordinator/);
    const colleague = handoverCandidates(plan)[0]!;
    const withSecond = { ...plan, agreements: { priorityAreas: [], actions: [], warningSigns: [], secondCoordinator: { contactId: colleague.id, since: 'x' } } };
    assert.match(coordinatorSection(withSecond, [], loc, OWNER.userId).text, /2\. koordinator: /);
    assert.match(coordinatorSection(withSecond, [], loc, OWNER.userId).summary, /Ingen koordinator valgt endnu/);
  });
});
