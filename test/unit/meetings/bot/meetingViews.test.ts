import assert from 'node:assert/strict';
import { checklistCard, invitationCard, invitationText, meetingScheduleCard, meetingSummary, organiserCard } from '../../../../src/meetings/bot/meetingViews';
import { planOverviewCard } from '../../../../src/plans/bot/planViews';
import type { CarePlan } from '../../../../src/plans/domain/carePlan';
import { CoordinationMeeting, answerInvitation, cancelMeeting, scheduleInputSchema, scheduleMeeting } from '../../../../src/meetings/domain/meeting';
import { localeOf } from '../../../../src/platform/i18n';
import { T0, ownerActor, planWithTeamsNetwork } from '../../fixtures';
import { cardProblems } from '../../platform/cards/adaptiveCardCheck';

const NOW = new Date(T0);
const texts = (card: unknown): string => JSON.stringify(card);

const plan = (): CarePlan => planWithTeamsNetwork('Mor Hansen');

function meeting(): CoordinationMeeting {
  const input = scheduleInputSchema.parse({ date: '2026-04-14', time: '10:00', durationMinutes: '90', mode: 'virtual', joinUrl: 'https://teams.microsoft.com/l/x', agenda: 'Velkomst\nRunde' });
  const r = scheduleMeeting(plan(), input, ownerActor(), { meetingId: 'm-1', timeZone: 'Europe/Copenhagen', now: NOW });
  return (r as { meeting: CoordinationMeeting }).meeting;
}

for (const tag of ['da-DK', 'en-US', 'sv-SE']) {
  describe(`meeting cards (${tag})`, () => {
    const loc = localeOf(tag);
    const cards: Array<[string, () => unknown]> = [
      ['schedule', () => meetingScheduleCard(plan(), loc, { now: NOW, formId: '11111111-1111-4111-8111-111111111111', onlineMeetingsAvailable: false })],
      ['schedule with errors', () => meetingScheduleCard(plan(), loc, { now: NOW, formId: '11111111-1111-4111-8111-111111111111', onlineMeetingsAvailable: true, errors: { date: 'inPast', joinUrl: 'invalidUrl' }, fields: { date: '2026-01-01' } })],
      ['organiser', () => organiserCard(plan(), meeting(), { delivered: 1, failedContactIds: [] }, loc, { now: NOW, icsUrl: (id) => `http://localhost:3978/ics/${id}`, viewerIsOrganiser: true })],
      ['organiser with a failure', () => organiserCard(plan(), meeting(), { delivered: 0, failedContactIds: [plan().contacts[1]!.id] }, loc, { now: NOW, icsUrl: () => 'http://localhost/ics', viewerIsOrganiser: true })],
      ['organiser, cancelled', () => organiserCard(plan(), cancelMeeting(meeting(), NOW), { delivered: 1, failedContactIds: [] }, loc, { now: NOW, icsUrl: () => 'http://localhost/ics', viewerIsOrganiser: true })],
      ['invitation', () => invitationCard(plan(), meeting(), plan().contacts[1]!, meeting().invitations[1]!, loc)],
      ['invitation with errors', () => invitationCard(plan(), meeting(), plan().contacts[1]!, meeting().invitations[1]!, loc, { errors: { email: 'invalidEmail' }, fields: { name: 'X', email: 'nope' } })],
      ['invitation, cancelled', () => invitationCard(plan(), cancelMeeting(meeting(), NOW), plan().contacts[1]!, meeting().invitations[1]!, loc)],
      ['checklist', () => checklistCard(plan(), meeting(), 1, loc)],
      ['plan overview with meeting', () => planOverviewCard(plan(), loc, '', meetingSummary(plan(), meeting(), 1, loc))],
    ];
    for (const [label, make] of cards) {
      it(`${label}: a valid Adaptive Card 1.5, fully expanded, under 28 KB`, () => {
        const card = make();
        assert.deepEqual(cardProblems(card), []);
        assert.ok(!texts(card).includes('${'), texts(card).match(/.{40}\$\{.{40}/)?.[0]);
        assert.ok(Buffer.byteLength(texts(card)) < 28 * 1024);
      });
    }

    it('the organiser sees the live tally and who answered what', () => {
      const m = (answerInvitation(meeting(), plan().contacts[1]!.id, 0, { response: 'apologies', reason: 'Syg' }, NOW) as { meeting: CoordinationMeeting }).meeting;
      const card = texts(organiserCard(plan(), m, { delivered: 1, failedContactIds: [] }, loc, { now: NOW, icsUrl: () => 'http://x/ics', viewerIsOrganiser: true }));
      assert.ok(card.includes(loc.t.meeting.response.apologies));
      assert.match(card, /1 [^"]*·[^"]*1 /);
      assert.ok(card.includes('Mor Hansen'), 'the relative is listed for secure mail');
      assert.ok(card.includes('"userIds":["8:orgid:aad-mette"]'), 'refreshes for the organiser only');
    });

    it('another member of the network sees the meeting, but not the secure-mail links or the organiser’s buttons', () => {
      const card = organiserCard(plan(), meeting(), { delivered: 1, failedContactIds: [] }, loc, { now: NOW, icsUrl: () => 'http://x/ics/secret', viewerIsOrganiser: false });
      assert.ok(!texts(card).includes('http://x/ics/secret'));
      assert.ok(!texts(card).includes('"action":"cancel"'));
      assert.ok(texts(card).includes(loc.t.meeting.tally.split(' ')[1]!));
    });

    it('the invitation shows the contact’s own details and refreshes only for them', () => {
      const card = texts(invitationCard(plan(), meeting(), plan().contacts[1]!, meeting().invitations[1]!, loc));
      assert.ok(card.includes(plan().contacts[1]!.name));
      assert.ok(card.includes('"userIds":["8:orgid:aad-colleague"]'));
    });

    it('a cancelled meeting’s invitation offers no answers', () => {
      const card = invitationCard(plan(), cancelMeeting(meeting(), NOW), plan().contacts[1]!, meeting().invitations[1]!, loc) as { actions?: unknown[] };
      assert.equal(card.actions?.length ?? 0, 0);
    });

    it('after a cancellation the secure-mail text is the cancellation', () => {
      const text = invitationText(cancelMeeting(meeting(), NOW), loc);
      assert.ok(text.startsWith(loc.t.meeting.cancellationText.split('\n')[0]!));
    });

    it('an apology shows its reason to the organiser', () => {
      const m = (answerInvitation(meeting(), plan().contacts[1]!.id, 0, { response: 'apologies', reason: 'Kursus' }, NOW) as { meeting: CoordinationMeeting }).meeting;
      const card = texts(organiserCard(plan(), m, { delivered: 1, failedContactIds: [] }, loc, { now: NOW, icsUrl: () => 'x', viewerIsOrganiser: true }));
      assert.ok(card.includes(`${loc.t.meeting.response.apologies} (Kursus)`));
    });

    it('the secure-mail invitation text names the time, the link and the agenda', () => {
      const text = invitationText(meeting(), loc);
      assert.ok(text.includes('https://teams.microsoft.com/l/x'));
      assert.ok(text.includes('- Velkomst'));
    });
  });
}
