import assert from 'node:assert/strict';
import { checklistCard, invitationCard, invitationText, meetingScheduleCard, meetingSummary, organiserCard } from '../../../../src/meetings/bot/meetingViews';
import { planOverviewCard } from '../../../../src/plans/bot/planViews';
import { summaryOf, type CarePlan } from '../../../../src/plans/domain/carePlan';
import { CoordinationMeeting, answerInvitation, cancelMeeting, scheduleInputSchema, scheduleMeeting } from '../../../../src/meetings/domain/meeting';
import { localeOf } from '../../../../src/platform/i18n';
import { OWNER, T0, ownerActor, planWithTeamsNetwork } from '../../fixtures';
import { cardProblems, visibleTexts } from '../../platform/cards/adaptiveCardCheck';
import type { IcsLinkTarget } from '../../../../src/meetings/domain/invitationFile';
import type { Fact } from '../../../../src/platform/cards/models';
import { rescheduleMeeting } from '../../../../src/meetings/domain/meeting';

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
      ['plan overview with meeting', () => planOverviewCard(plan(), loc, '', meetingSummary(plan(), meeting(), loc, NOW))],
      ['plan overview from the list projection, with meeting', () => planOverviewCard(summaryOf(plan()), loc, '', meetingSummary(summaryOf(plan()), meeting(), loc, NOW), OWNER.userId)],
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

    it('the secure-mail link names this version of the meeting: a move gives a new one, a cancellation the cancellation’s', () => {
      const asked: IcsLinkTarget[] = [];
      const icsUrl = (target: IcsLinkTarget) => {
        asked.push(target);
        return `https://bot.example/ics/${target.sequence}/${target.kind}`;
      };
      const render = (m: CoordinationMeeting) => texts(organiserCard(plan(), m, { delivered: 1, failedContactIds: [] }, loc, { now: NOW, icsUrl, viewerIsOrganiser: true }));
      const m = meeting();
      assert.ok(render(m).includes('https://bot.example/ics/0/invitation'));
      const moved = rescheduleMeeting(m, new Date('2026-04-15T08:00:00Z'), 60, NOW);
      assert.ok(render(moved).includes('https://bot.example/ics/1/invitation'));
      assert.ok(!render(moved).includes('/ics/0/'));
      assert.ok(render(cancelMeeting(moved, NOW)).includes('https://bot.example/ics/2/cancellation'));
      assert.deepEqual(new Set(asked.map((a) => `${a.tenantId}|${a.meetingId}|${a.contactId}`)), new Set([`${m.tenantId}|m-1|relative-1`]));
    });
  });
}

describe('meeting cards escape what people typed (Teams renders markdown in TextBlocks and Facts)', () => {
  const loc = localeOf('da-DK');
  const NBSP = '\u00A0';
  const nasty = {
    link: '[klik her](https://evil.example)',
    bold: '**VIGTIGT**',
    mention: '<at>Alex</at>',
    date: '12. marts 1988',
    numbered: '1. Jeg er syg',
  };
  const evil = (): CarePlan => {
    const p = plan();
    return {
      ...p,
      citizen: { ...p.citizen, name: nasty.date },
      contacts: p.contacts.map((c) => (c.id === 'relative-1' ? { ...c, name: nasty.bold } : c.id === p.contacts[1]!.id ? { ...c, name: nasty.mention, role: nasty.link } : c)),
    };
  };
  const evilMeeting = (): CoordinationMeeting => {
    const input = scheduleInputSchema.parse({ date: '2026-04-14', time: '10:00', durationMinutes: '90', mode: 'inPerson', place: nasty.link, agenda: `${nasty.bold}\n${nasty.mention}` });
    const m = (scheduleMeeting(evil(), input, ownerActor(), { meetingId: 'm-1', timeZone: 'Europe/Copenhagen', now: NOW }) as { meeting: CoordinationMeeting }).meeting;
    const colleague = evil().contacts[1]!.id;
    return (answerInvitation(m, colleague, 0, { response: 'apologies', reason: `${nasty.numbered}\n${nasty.link}` }, NOW) as { meeting: CoordinationMeeting }).meeting;
  };
  /** The strings Teams renders as markdown: TextBlock text, Fact titles and values (not inputs, not TextRuns). */
  const markdownTexts = (card: unknown): string[] => {
    const out: string[] = [];
    const visit = (node: unknown): void => {
      if (Array.isArray(node)) return node.forEach(visit);
      if (!node || typeof node !== 'object') return;
      const o = node as Record<string, unknown>;
      if (o.type === 'TextBlock' && typeof o.text === 'string') out.push(o.text);
      if (o.type === 'FactSet' && Array.isArray(o.facts)) for (const f of o.facts as Fact[]) out.push(f.title, f.value);
      for (const [k, v] of Object.entries(o)) if (k !== 'data') visit(v);
    };
    visit(card);
    return out;
  };
  const organiser = () => organiserCard(evil(), evilMeeting(), { delivered: 0, failedContactIds: ['relative-1'] }, loc, { now: NOW, icsUrl: () => 'https://x/ics', viewerIsOrganiser: true });
  const invitation = () => invitationCard(evil(), evilMeeting(), evil().contacts[1]!, evilMeeting().invitations[1]!, loc);

  /** No user text may produce a link, bold text, a tag or a list item: checked on every string Teams renders as markdown. */
  function assertNoFormattingFromUsers(card: unknown): void {
    const all = markdownTexts(card).join('\n');
    assert.ok(!all.includes('[klik her]('), 'an unescaped link');
    assert.ok(!all.includes('**VIGTIGT**'), 'unescaped bold');
    assert.ok(!/(^|[^\\])<at>/.test(all), 'an unescaped mention');
    assert.ok(!/(^|\n)(- )?12\. marts/.test(all), 'a date that would become a numbered list');
    assert.ok(!/(^|\n)(- )?\(?1\. Jeg/.test(all), 'a reason that would become a numbered list');
  }

  it('the organiser’s card: names, answers, reasons, place and agenda escaped; still valid', () => {
    const card = organiser();
    assert.deepEqual(cardProblems(card), []);
    assertNoFormattingFromUsers(card);
    const all = visibleTexts(card);
    assert.ok(all.includes(`12.${NBSP}marts 1988`), 'the citizen’s name, as text');
    assert.ok(all.some((t) => t.includes(`Afbud (1.${NBSP}Jeg er syg \\[klik her\\](https://evil.example))`)), 'the reason, on one line, escaped');
    assert.ok(all.some((t) => t.includes('- \\*\\*VIGTIGT\\*\\*')), 'the agenda line');
    assert.ok(all.some((t) => t.includes('- \\<at>Alex\\</at>')), 'the agenda mention');
    assert.ok(all.some((t) => t.includes('**\\*\\*VIGTIGT\\*\\*** –')), 'the relative’s name in bold, its stars escaped');
    assert.ok(all.includes('\\[klik her\\](https://evil.example)'), 'the place');
  });

  it('the secure-mail text on the card is shown as text; the text itself stays as typed', () => {
    const m = evilMeeting();
    const plainMail = invitationText(m, loc);
    assert.ok(plainMail.includes(`- ${nasty.bold}`), 'the mail text is not escaped: it is copied into a mail');
    const shown = visibleTexts(organiser()).find((t) => t.startsWith(loc.t.meeting.invitationText.split('\n')[0]!))!;
    assert.ok(shown, 'the invitation text is on the card');
    assert.ok(shown.includes(`-${NBSP}\\*\\*VIGTIGT\\*\\*`), 'an agenda line reads "- **VIGTIGT**" and is no list');
  });

  it('the invitation card: the citizen’s name in the intro, the contact’s details and the agenda escaped', () => {
    const card = invitation();
    assert.deepEqual(cardProblems(card), []);
    assertNoFormattingFromUsers(card);
    const all = visibleTexts(card);
    assert.ok(all.some((t) => t.startsWith(`Om 12.${NBSP}marts 1988.`)));
    assert.ok(all.includes('\\<at>Alex\\</at>'), 'the contact’s name as a fact');
    assert.ok(all.includes('\\[klik her\\](https://evil.example)'), 'the contact’s role as a fact');
  });

  it('a date at the start of a fact or line never becomes a list: the time, the checklist, the plan overview', () => {
    const m = evilMeeting();
    const when = (card: unknown) => markdownTexts(card).filter((t) => /^\d/.test(t));
    for (const card of [organiser(), checklistCard(evil(), m, 0, loc), planOverviewCard(evil(), loc, '', meetingSummary(evil(), m, loc, NOW))]) {
      assert.deepEqual(cardProblems(card), []);
      for (const t of when(card)) assert.match(t, /^\d+\.\u00A0|^\d+\/\d+|^\d+ /, t);
      assert.ok(when(card).some((t) => t.startsWith(`14.${NBSP}apr`)), 'the meeting’s date is there, escaped');
    }
  });

  it('the join link is a link to the address given, its label plain', () => {
    const input = scheduleInputSchema.parse({ date: '2026-04-14', time: '10:00', durationMinutes: '90', mode: 'virtual', joinUrl: 'https://teams.microsoft.com/l/x)y', agenda: 'a' });
    const m = (scheduleMeeting(plan(), input, ownerActor(), { meetingId: 'm-2', timeZone: 'Europe/Copenhagen', now: NOW }) as { meeting: CoordinationMeeting }).meeting;
    const card = invitationCard(plan(), m, plan().contacts[1]!, m.invitations[1]!, loc);
    assert.ok(visibleTexts(card).includes(`[${loc.t.meeting.join}](https://teams.microsoft.com/l/x%29y)`));
  });
});
