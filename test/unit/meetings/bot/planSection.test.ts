/** The meetings section the meeting capability adds to the plan card: the next meeting first, earlier ones after, in every language. */
import assert from 'node:assert/strict';
import { meetingsSection } from '../../../../src/meetings/bot/planSection';
import { CoordinationMeeting, cancelMeeting, scheduleInputSchema, scheduleMeeting } from '../../../../src/meetings/domain/meeting';
import { localeOf } from '../../../../src/platform/i18n';
import { planCard } from '../../../../src/plans/bot/planCardViews';
import { OWNER, T0, ownerActor, planWithTeamsNetwork } from '../../fixtures';
import { cardProblems, executeActions, visibleTexts } from '../../platform/cards/adaptiveCardCheck';

const NOW = new Date(T0);

function meeting(id: string, date: string): CoordinationMeeting {
  const input = scheduleInputSchema.parse({ date, time: '10:00', durationMinutes: '90', mode: 'inPerson', place: 'Lyngbo', agenda: 'Velkomst' });
  return (scheduleMeeting(planWithTeamsNetwork(), input, ownerActor(), { meetingId: id, timeZone: 'Europe/Copenhagen', now: new Date('2026-01-01T00:00:00Z') }) as { meeting: CoordinationMeeting }).meeting;
}

for (const tag of ['da-DK', 'en-US', 'sv-SE']) {
  describe(`meetings on the plan card (${tag})`, () => {
    const loc = localeOf(tag);
    const t = loc.t.meetingSection;
    const past = meeting('m-past', '2026-02-10');
    const cancelled = cancelMeeting(meeting('m-cancelled', '2026-03-01'), NOW);
    const next = meeting('m-next', '2026-04-14');

    it('lists the next meeting with its answers, then the earlier ones (a cancelled one says so)', () => {
      const s = meetingsSection([past, next, cancelled], loc, OWNER.userId, NOW);
      assert.equal(s.facts[0]!.title, t.next);
      assert.match(s.facts[0]!.value, /Lyngbo/);
      assert.equal(s.facts[1]!.title, loc.t.meeting.answers);
      assert.equal(s.facts[2]!.title, t.earlier);
      assert.match(s.facts[2]!.value, new RegExp(`\\(${t.cancelled}\\)`), 'newest earlier meeting first: the cancelled one');
      assert.doesNotMatch(s.facts[3]!.value, new RegExp(t.cancelled));
      assert.ok(s.summary.startsWith(t.summaryNext.split('{when}')[0]!));
    });

    it('the organiser can open the next meeting from the plan card; others cannot', () => {
      assert.deepEqual(meetingsSection([next], loc, OWNER.userId, NOW).buttons.map((b) => b.data), [{ action: 'organiserView', meetingId: 'm-next' }]);
      assert.deepEqual(meetingsSection([next], loc, 'aad-colleague', NOW).buttons, []);
    });

    it('no meetings: says so; the plan card with the section is a valid card', () => {
      const none = meetingsSection([], loc, OWNER.userId, NOW);
      assert.equal(none.summary, t.summaryNone);
      assert.equal(none.text, t.none);
      const card = planCard(planWithTeamsNetwork(), loc, OWNER.userId, { contributed: [meetingsSection([past, next, cancelled], loc, OWNER.userId, NOW)] });
      assert.deepEqual(cardProblems(card), []);
      assert.ok(visibleTexts(card).includes(t.title));
      assert.ok(executeActions(card).some((a) => a.verb === 'meeting'));
    });
  });
}
