/**
 * Issue #8 items 6–7 on the meeting cards, in da/en/sv: the citizen and the
 * people outside Teams (their contact details on the secure-mail list, the
 * answers the organiser records, the invitation text saying how to answer),
 * the organiser card folded short, confirmations before cancelling and an undo
 * for "marked as sent", a cancelled meeting said once, times with their zone,
 * required fields marked and limits shown. Every card is validated with the
 * adaptivecards library.
 */
import assert from 'node:assert/strict';
import { invitationCard, invitationText, meetingExistsCard, meetingScheduleCard, meetingSummary, organiserCard } from '../../../../src/meetings/bot/meetingViews';
import { planOverviewCard } from '../../../../src/plans/bot/planViews';
import { CarePlan, contactInputSchema } from '../../../../src/plans/domain/carePlan';
import { CoordinationMeeting, cancelMeeting, confirmManualSent, recordAnswer, scheduleInputSchema, scheduleMeeting } from '../../../../src/meetings/domain/meeting';
import { Locale, localeOf } from '../../../../src/platform/i18n';
import { T0, ownerActor, planWithTeamsNetwork } from '../../fixtures';
import { cardProblems, executeActions, inputById, visibleTexts } from '../../platform/cards/adaptiveCardCheck';

const NOW = new Date(T0); // 2026-03-10T09:00Z
const ORGANISER = ownerActor();
const JOIN = 'https://teams.microsoft.com/l/meetup-join/abc';
const json = (card: unknown): string => JSON.stringify(card);

/** The fixtures' network (organiser with phone and e-mail) plus the citizen, outside Teams, who needs a Somali interpreter. */
function plan(): CarePlan {
  const p = planWithTeamsNetwork('Mor Hansen');
  const citizen = { id: 'citizen-1', ...contactInputSchema.parse({ name: 'Jens Hansen', role: 'Borger', sector: 'citizen', phone: '+45 20 30 40 50', reachVia: 'Via bostøtten efter kl. 10', interpreter: 'so' }) };
  const contacts = p.contacts.map((c, i) => (i === 0 ? { ...c, phone: '+45 11 22 33 44', email: 'mette@psyk.example' } : c.id === 'relative-1' ? { ...c, phone: '+45 55 66 77 88', email: 'mor@privat.example' } : c));
  return { ...p, contacts: [...contacts, citizen] };
}

function meeting(timeZone = 'Europe/Copenhagen', p = plan()): CoordinationMeeting {
  const input = scheduleInputSchema.parse({ date: '2026-04-14', time: '10:00', durationMinutes: '90', mode: 'virtual', joinUrl: JOIN, agenda: 'Velkomst\nRunde' });
  return (scheduleMeeting(p, input, ORGANISER, { meetingId: 'm-1', timeZone, now: NOW }) as { meeting: CoordinationMeeting }).meeting;
}

const cancelled = () => cancelMeeting(meeting(), NOW, { reason: 'Borgeren er indlagt', by: ORGANISER });
const organiser = (m: CoordinationMeeting, loc: Locale, viewerIsOrganiser = true, extra: Partial<Parameters<typeof organiserCard>[4]> = {}) =>
  organiserCard(plan(), m, { delivered: 1, failedContactIds: [] }, loc, { now: NOW, icsUrl: (t) => `https://bot.example/ics/${t.contactId}`, viewerIsOrganiser, ...extra });

/** What the card shows before anything is unfolded: ShowCard contents left out. */
function unfolded(node: unknown): string[] {
  const out: string[] = [];
  const visit = (n: unknown): void => {
    if (Array.isArray(n)) return n.forEach(visit);
    if (!n || typeof n !== 'object') return;
    const o = n as Record<string, unknown>;
    for (const [k, v] of Object.entries(o)) {
      if (typeof v === 'string' && ['text', 'title', 'value', 'label'].includes(k)) out.push(v);
      else if (k !== 'data' && !(o.type === 'Action.ShowCard' && k === 'card')) visit(v);
    }
  };
  visit(node);
  return out;
}

/** The ShowCard with this title, as rendered. */
function folded(card: unknown, title: string): Record<string, unknown> {
  let found: Record<string, unknown> | undefined;
  const visit = (n: unknown): void => {
    if (found || !n || typeof n !== 'object') return;
    if (Array.isArray(n)) return n.forEach(visit);
    const o = n as Record<string, unknown>;
    if (o.type === 'Action.ShowCard' && o.title === title) found = o.card as Record<string, unknown>;
    Object.values(o).forEach(visit);
  };
  visit(card);
  assert.ok(found, `no "${title}" on the card`);
  return found;
}

const count = (haystack: string, needle: string) => haystack.split(needle).length - 1;

for (const tag of ['da-DK', 'en-GB', 'sv-SE']) {
  describe(`meeting cards for people outside Teams (${tag})`, () => {
    const loc = localeOf(tag);
    const { t } = loc;
    const recorded = () => (recordAnswer(meeting(), 'relative-1', 0, { response: 'apologies', note: 'Ringede tirsdag' }, ORGANISER, NOW) as { meeting: CoordinationMeeting }).meeting;
    const scenarios: Array<[string, () => unknown]> = [
      ['organiser, answers recorded', () => organiser(recorded(), loc)],
      ['organiser, marked as sent (undo)', () => organiser(confirmManualSent(meeting(), 'citizen-1', NOW)!, loc)],
      ['organiser, cancelled with a reason', () => organiser(cancelled(), loc)],
      ['organiser, forms with errors', () => organiser(meeting(), loc, true, { errors: { cancelReason: 'max:500:612', recordContactId: 'required', recordNote: 'max:500:501' }, fields: { cancelReason: 'x'.repeat(612) } })],
      ['organiser, viewer in London', () => organiser(meeting('Europe/London'), localeOf(tag, 'Europe/London'))],
      ['invitation, cancelled with a reason', () => invitationCard(plan(), cancelled(), plan().contacts[1]!, meeting().invitations[1]!, loc)],
      ['invitation, apology too long', () => invitationCard(plan(), meeting(), plan().contacts[1]!, meeting().invitations[1]!, loc, { errors: { reason: 'max:500:612' }, fields: { reason: 'r'.repeat(612) } })],
      ['meeting already called', () => meetingExistsCard(plan(), meeting(), loc)],
      ['schedule, viewer in London', () => meetingScheduleCard(plan(), localeOf(tag, 'Europe/London'), { now: NOW, formId: '11111111-1111-4111-8111-111111111111', onlineMeetingsAvailable: true })],
      ['overview, meeting called', () => planOverviewCard(plan(), loc, '', meetingSummary(plan(), meeting(), loc, NOW))],
    ];
    for (const [label, make] of scenarios) {
      it(`${label}: a valid Adaptive Card 1.5, fully expanded, under 28 KB`, () => {
        const card = make();
        assert.deepEqual(cardProblems(card), []);
        assert.ok(!json(card).includes('${'), json(card).match(/.{40}\$\{.{40}/)?.[0]);
        assert.ok(Buffer.byteLength(json(card)) < 28 * 1024);
      });
    }

    it('the organiser card is short: the tally shows, who answered and the secure-mail list are folded; the join link shows once', () => {
      const card = organiser(meeting(), loc);
      const shown = unfolded(card).join('\n');
      assert.ok(shown.includes(format1(t.meeting.tally)), 'the tally is in view');
      assert.ok(!shown.includes('Mor Hansen'), 'names are folded away');
      assert.equal(count(shown, JOIN), 1, 'the join link once, as the place');
      assert.ok(visibleTexts(folded(card, `${t.meeting.showAnswers.replace('{n}', '4')}`)).some((x) => x.includes('Mor Hansen')));
      const mail = visibleTexts(folded(card, t.meeting.showManual.replace('{n}', '2'))).join('\n');
      assert.ok(mail.includes(JOIN), 'the text to copy carries the link for the recipients');
    });

    it('the secure-mail list gives each person’s contact details, how to reach them and their interpreter', () => {
      const mail = visibleTexts(folded(organiser(meeting(), loc), t.meeting.showManual.replace('{n}', '2'))).join('\n');
      for (const expected of ['Jens Hansen', '+45 20 30 40 50', 'Via bostøtten efter kl. 10', t.enums.language.so, 'Mor Hansen', '+45 55 66 77 88', 'mor@privat.example']) {
        assert.ok(mail.includes(expected), `missing ${expected}`);
      }
    });

    it('the invitation text says how to answer: the organiser’s phone and e-mail; the time in Danish time, named', () => {
      const text = invitationText(meeting(), loc, plan().contacts[0]);
      assert.ok(text.includes('+45 11 22 33 44') && text.includes('mette@psyk.example'), text);
      assert.ok(text.includes(t.meeting.zoneNames['Europe/Copenhagen']), 'the zone is named');
      assert.ok(invitationText(meeting(), loc, { phone: '+45 11 22 33 44' }).includes('+45 11 22 33 44'));
      assert.ok(!invitationText(meeting(), loc, {}).includes('undefined'));
      const onCard = visibleTexts(organiser(meeting(), loc)).join('\n');
      assert.ok(onCard.includes('mette@psyk.example'), 'the card’s text is made with the organiser’s details from the plan');
    });

    it('the organiser records answers for those outside Teams only; others see no form', () => {
      const card = organiser(meeting(), loc);
      const who = inputById(card, 'recordContactId')!;
      assert.deepEqual((who.choices as Array<{ value: string }>).map((c) => c.value), ['relative-1', 'citizen-1']);
      assert.equal(who.isRequired, true);
      assert.deepEqual(executeActions(card).filter((a) => a.data.action === 'recordAnswer').map((a) => a.data), [{ action: 'recordAnswer', meetingId: 'm-1', sequence: 0 }]);
      assert.equal(inputById(organiser(meeting(), loc, false), 'recordContactId'), undefined);
      assert.equal(inputById(organiser(cancelled(), loc), 'recordContactId'), undefined);
    });

    it('a recorded answer shows in the list like a Teams answer, saying who recorded it and the note', () => {
      const list = visibleTexts(folded(organiser(recorded(), loc), t.meeting.showAnswers.replace('{n}', '4'))).join('\n');
      assert.ok(list.includes(`${t.meeting.response.apologies} (${t.meeting.recordedBy.replace('{name}', ORGANISER.name)}: Ringede tirsdag)`), list);
    });

    it('"Markér som sendt" becomes "Fortryd" once marked', () => {
      const before = executeActions(organiser(meeting(), loc)).map((a) => `${String(a.data.action)}:${String(a.data.contactId ?? '')}`);
      assert.ok(before.includes('manualSent:citizen-1') && !before.includes('manualUnsent:citizen-1'));
      const after = executeActions(organiser(confirmManualSent(meeting(), 'citizen-1', NOW)!, loc));
      const undo = after.find((a) => a.data.action === 'manualUnsent' && a.data.contactId === 'citizen-1');
      assert.equal(undo?.title, t.meeting.undoSent);
    });

    it('"Aflys mødet" asks first: a reason (required, its limit shown), "yes" sends it, "no" takes no input and changes nothing', () => {
      const card = organiser(meeting(), loc);
      const ask = folded(card, t.meeting.cancelMeeting);
      const reason = inputById(ask, 'cancelReason')!;
      assert.deepEqual([reason.isRequired, reason.maxLength, reason.label], [true, undefined, t.meeting.cancelReason.replace('{n}', '500')]);
      const [yes, no] = executeActions(ask);
      assert.deepEqual([yes!.title, yes!.data.action, (yes as { style?: string }).style], [t.meeting.cancelConfirm, 'cancel', 'destructive']);
      assert.deepEqual([no!.title, no!.data.action, no!.associatedInputs], [t.meeting.cancelKeep, 'organiserView', 'none']);
      assert.ok(!executeActions({ body: (card as { body: unknown }).body }).some((a) => a.data.action === 'cancel'), 'no one-click cancel anywhere on the card');
      assert.ok(visibleTexts(folded(card, t.meeting.reschedule)).includes(t.meeting.rescheduleIntro), 'moving says everyone is asked again');
    });

    it('a cancelled meeting says so once, with its reason, and drops the link, the tally, the forms and the buttons; the secure mail becomes the cancellation', () => {
      const card = organiser(cancelled(), loc, true, { notice: t.meeting.cancelSentManual });
      const all = json(card);
      assert.equal(count(unfolded(card).join('\n'), 'Borgeren er indlagt'), 1);
      assert.ok(!all.includes(JOIN), 'no join link anywhere');
      assert.ok(!unfolded(card).join('\n').includes(format1(t.meeting.tally)));
      assert.equal((card as { actions?: unknown[] }).actions?.length ?? 0, 0);
      const mail = visibleTexts(folded(card, t.meeting.showManual.replace('{n}', '2'))).join('\n');
      assert.ok(mail.includes(t.meeting.cancellationTextTitle));
      assert.ok(!mail.includes('Borgeren er indlagt'), 'the reason stays out of the secure-mail text');
      assert.ok(!invitationText(cancelled(), loc).includes(JOIN));
    });

    it('the invitee’s cancelled card: said once with the reason, no link, no agenda, no buttons', () => {
      const card = invitationCard(plan(), cancelled(), plan().contacts[1]!, meeting().invitations[1]!, loc) as { actions?: unknown[] };
      const all = json(card);
      assert.equal(count(all, 'Borgeren er indlagt'), 1);
      assert.equal(count(visibleTexts(card).join('\n'), t.meeting.cancelledWhy.split('{date}')[0]!), 1, 'said once');
      assert.ok(!all.includes(JOIN) && !all.includes('Velkomst'));
      assert.equal(card.actions?.length ?? 0, 0);
    });

    it('a time in another zone than the calendar’s shows both: "10.00–11.30 (11.00–12.30 dansk tid)"', () => {
      const london = localeOf(tag, 'Europe/London');
      const facts = json(organiser(meeting('Europe/London'), london));
      assert.match(facts, new RegExp(`10[.:]00.11[.:]30 \\(11[.:]00.12[.:]30 ${t.meeting.zoneNames['Europe/Copenhagen']}\\)`));
      assert.doesNotMatch(json(organiser(meeting(), loc)), /\(11[.:]00/, 'no second time when the reader is in Danish time');
      const form = meetingScheduleCard(plan(), london, { now: NOW, formId: '11111111-1111-4111-8111-111111111111', onlineMeetingsAvailable: true });
      assert.equal(inputById(form, 'time')!.label, t.meeting.timeIn.replace('{zone}', 'Europe/London'));
    });

    it('the scheduling card marks required fields, states the limits and never cuts a paste', () => {
      const card = meetingScheduleCard(plan(), loc, { now: NOW, formId: '11111111-1111-4111-8111-111111111111', onlineMeetingsAvailable: false });
      for (const id of ['date', 'time', 'durationMinutes', 'mode', 'agenda']) assert.equal(inputById(card, id)!.isRequired, true, id);
      for (const id of ['place', 'joinUrl', 'agenda']) assert.equal(inputById(card, id)!.maxLength, undefined, `${id}: no silent cut`);
      const thousands = new Intl.NumberFormat(loc.tag).format(2000);
      assert.ok(String(inputById(card, 'agenda')!.label).includes(thousands), 'the agenda’s limit in the language’s numbers');
      assert.ok(String(inputById(card, 'place')!.label).includes('200'));
      assert.ok(String(inputById(card, 'joinUrl')!.label).includes(t.meeting.requiredIfVirtual));
      assert.equal(inputById(card, 'time')!.label, t.meeting.timeIn.replace('{zone}', t.meeting.zoneNames['Europe/Copenhagen']));
    });

    it('the overview says the meeting is called (with its date) and opens it instead of calling a second one', () => {
      const summary = meetingSummary(plan(), meeting(), loc, NOW);
      const card = planOverviewCard(plan(), loc, '', summary);
      assert.ok(visibleTexts(card).some((x) => x.startsWith(t.meeting.nextStepCalled.split('{when}')[0]!) && x.includes('2026')));
      assert.ok(!executeActions(card).some((a) => a.data.action === 'prepare'), 'no second "Indkald til møde"');
      assert.ok(executeActions(card).some((a) => a.data.action === 'organiserView'));
      const held = planOverviewCard(plan(), loc, '', meetingSummary(plan(), meeting(), loc, new Date('2026-04-15T09:00:00Z')));
      assert.ok(visibleTexts(held).some((x) => x.startsWith(t.meeting.nextStepHeld.split('{date}')[0]!)));
      assert.ok(executeActions(held).some((a) => a.data.action === 'prepare'), 'after it was held the next one can be called');
    });

    it('"indkald" with a meeting ahead: says so and offers to open it, or deliberately an extra one', () => {
      const card = meetingExistsCard(plan(), meeting(), loc);
      assert.ok(visibleTexts(card).some((x) => x.includes('Mor Hansen') === false && x.includes(plan().citizen.name)));
      assert.deepEqual(executeActions(card).map((a) => [a.data.action, a.data.another ?? null]), [['organiserView', null], ['prepare', true]]);
    });
  });
}

describe('the organiser card stays under 28 KB with a full network outside Teams', () => {
  const loc = localeOf('da-DK');
  /**
   * The organiser and `n` contacts outside Teams, each with a recorded answer.
   * Each needs its own signed .ics link (about 320 characters), so about 25 is
   * what one card holds (README); a plan holds at most 30 contacts.
   */
  function fullNetwork(n: number, contact: (i: number) => Record<string, string>, note: string) {
    const base = plan();
    const many = Array.from({ length: n }, (_, i) => ({ id: `00000000-0000-4000-9000-${String(i).padStart(12, '0')}`, ...contactInputSchema.parse(contact(i)) }));
    const p: CarePlan = { ...base, contacts: [base.contacts[0]!, ...many] };
    let m = meeting('Europe/Copenhagen', p);
    for (const c of many) m = (recordAnswer(m, c.id, 0, { response: 'apologies', note }, ORGANISER, NOW) as { meeting: CoordinationMeeting }).meeting;
    // A real signed link is about 320 characters.
    const card = organiserCard(p, m, { delivered: 0, failedContactIds: [] }, loc, { now: NOW, icsUrl: () => `https://samspil.example.dk/ics/${'x'.repeat(290)}`, viewerIsOrganiser: true });
    assert.deepEqual(cardProblems(card), []);
    return { card, bytes: Buffer.byteLength(json(card)), many };
  }

  it('15 contacts outside Teams with ordinary details: everything shown in full', () => {
    const { card, bytes } = fullNetwork(15, (i) => ({ name: `Kontakt Nummer ${i}`, role: 'Bostøtte-medarbejder', sector: 'relative', phone: '+45 12 34 56 78', email: `kontakt${i}@slagelse.dk`, reachVia: 'Via bostøtten, efter kl. 10', interpreter: 'ar' }), 'Ringede tirsdag, kommer måske');
    assert.ok(bytes < 28 * 1024, `${bytes} bytes`);
    assert.ok(!visibleTexts(card).includes(loc.t.meeting.shortenedOnCard), 'nothing shortened');
    assert.ok(json(card).includes('Via bostøtten, efter kl. 10') && json(card).includes('Ringede tirsdag, kommer måske'));
  });

  it('25 contacts with the longest names, details and notes: long texts shortened on the card, and it says so', () => {
    const { card, bytes, many } = fullNetwork(
      25,
      (i) => ({ name: `K${i} ${'N'.repeat(110)}`, role: 'R'.repeat(120), sector: 'relative', phone: '+45 12 34 56 78 90 12', email: `k${i}@${'e'.repeat(60)}.${'f'.repeat(60)}.dk`, reachVia: 'V'.repeat(200), interpreter: 'ti' }),
      'n'.repeat(500),
    );
    assert.ok(bytes < 28 * 1024, `${bytes} bytes`);
    assert.ok(visibleTexts(card).includes(loc.t.meeting.shortenedOnCard), 'the card says texts are shortened');
    const choices = (inputById(card, 'recordContactId')!.choices as Array<{ title: string; value: string }>).map((c) => c.value);
    assert.deepEqual(choices, many.map((c) => c.id), 'everyone can still get an answer recorded');
    for (const c of many) assert.ok(json(card).includes(c.id), 'everyone is still on the secure-mail list');
  });
});

/** The tally's words without its numbers, to find it on a card. */
function format1(tally: string): string {
  return tally.split('{accepted}')[1]!.split('{apologies}')[0]!;
}
