/**
 * The coordination meeting through the real bot (activity level, several
 * users): schedule from the plan, invitations through the durable outbox to a
 * loopback connector, answers that update the organiser's live tally, forged
 * and stale answers refused, the .ics file for contacts outside Teams.
 */
import { strict as assert } from 'node:assert';
import ICAL from 'ical.js';
import { NINA, OLE, TestBot, TestUser, actionData, cardsOf, textOf, walkGuide } from '../../support/testBot';
import { CosmosPlanStore } from '../../../src/plans/storage/planRepository';
import type { CarePlan } from '../../../src/plans/domain/carePlan';
import { waitFor } from '../../support/planScenario';

const future = new Date(Date.now() + 10 * 86_400_000).toISOString().slice(0, 10);
const today = new Date().toISOString().slice(0, 10);
type Card = Record<string, unknown>;

async function click(bot: TestBot, user: TestUser, verb: string, card: Card, action: string, fields: Record<string, string> = {}) {
  const answer = await bot.execute(user, verb, { ...actionData(card, action), ...fields });
  assert.equal(answer.status, 200);
  return answer.card as Card;
}

const NINA_CONSENT = { status: 'given', method: 'written', obtainedOn: today, yourRole: 'Sygeplejerske', yourOrganisation: 'Psykiatrien Vest', yourSector: 'regionPsychiatry' };

/** Nina's plan with Ole (by e-mail, in Teams) and the citizen's mother (no Teams). */
async function planWithNetwork(bot: TestBot): Promise<void> {
  await walkGuide(bot, NINA, {
    consent: { ...NINA_CONSENT, covers: 'shareWithNetwork,coordinationMeetings,involveRelatives' },
    citizen: { name: 'Jens Jensen', dateOfBirth: '1990-04-12', preferredLanguage: 'da', dreams: 'Et arbejde' },
    contacts: [
      { name: 'Ole Bostøtte', role: 'Kontaktperson', sector: 'municipality', email: 'Ole@Slagelse.example' },
      { name: 'Mor Jensen', role: 'Pårørende', sector: 'relative' },
    ],
  });
}

describe('coordination meeting through the bot (several users, real Cosmos and outbox)', function () {
  this.timeout(40_000);
  let bot: TestBot;

  beforeEach(async () => {
    bot = await new TestBot().start();
    bot.connector.members.set(`29:${OLE.aadObjectId}`, { id: `29:${OLE.aadObjectId}`, name: OLE.name, aadObjectId: OLE.aadObjectId, email: 'ole@slagelse.example', userPrincipalName: 'ole@slagelse.example' });
    await planWithNetwork(bot);
    // Ole opens the bot once: Teams vouches for his e-mail, he confirms that he is the contact, and joins the network.
    await bot.joinNetwork(OLE);
  });
  afterEach(async () => bot.stop());

  const scheduleFields = {
    date: future, time: '10:00', durationMinutes: '90', mode: 'virtual', joinUrl: 'https://teams.microsoft.com/l/meetup-join/test', place: '',
    agenda: '1. Velkomst\n2. Situationsrunde\n3. Indsatser',
  };

  async function scheduleForm(): Promise<Card> {
    const [overview] = cardsOf(await bot.say(NINA, 'mine planer'));
    assert.match(textOf(overview), /Indkald til møde/);
    const form = await click(bot, NINA, 'meeting', overview!, 'prepare');
    assert.match(textOf(form), /Indkald til koordinationsmøde/);
    assert.match(textOf(form), /Runde om borgerens aktuelle situation/, 'the agenda is prefilled from the model');
    return form;
  }

  async function schedule(): Promise<Card> {
    return click(bot, NINA, 'meeting', await scheduleForm(), 'schedule', scheduleFields);
  }

  function invitationTo(user: TestUser): Card | undefined {
    const sent = bot.connector.sent.filter((s) => s.conversationId === `a:personal-${user.aadObjectId}` && s.method === 'POST');
    return cardsOf(sent).find((c) => /inviteret til et koordinationsmøde/.test(textOf(c)));
  }

  it('does not invite a relative when the consent does not cover relatives', async () => {
    // The plan in beforeEach covers relatives; a second plan without that scope:
    await walkGuide(bot, NINA, {
      consent: { ...NINA_CONSENT, covers: 'shareWithNetwork,coordinationMeetings' },
      citizen: { name: 'Karen Nielsen', dateOfBirth: '1970-01-01', preferredLanguage: 'da', needs: 'Ro' },
      contacts: [{ name: 'Søster Nielsen', role: 'Pårørende', sector: 'relative', email: 'ole@slagelse.example' }],
    });
    // Ole's address is on the relative here: without "involve relatives" he is not linked to Karen's plan.
    const olePlans = cardsOf(await bot.say(OLE, 'mine planer')).map(textOf).join('\n');
    assert.match(olePlans, /Jens Jensen/);
    assert.doesNotMatch(olePlans, /Karen Nielsen/);
  });

  it('Ole joins the network by his e-mail and sees the plan', async () => {
    const [overview] = cardsOf(await bot.say(OLE, 'mine planer'));
    assert.match(textOf(overview), /Jens Jensen/);
  });

  it('schedules, invites Ole in Teams, lists the mother for secure mail, and updates the tally when Ole answers', async () => {
    const organiser = await schedule();
    const text = textOf(organiser);
    assert.match(text, /Koordinationsmøde/);
    assert.match(text, /1 kommer · 0 afbud · 0 sender en anden · 2 mangler svar/);
    assert.match(text, /Mor Jensen/, 'the relative is listed for secure mail');
    assert.match(text, /Hent kalenderfil/);

    const invitation = await waitFor('Ole’s invitation', () => invitationTo(OLE));
    assert.match(textOf(invitation), /Ole Bostøtte/, 'his own details are on the card');
    const answered = await click(bot, OLE, 'invitation', invitation, 'accept');
    assert.match(textOf(answered), /dit svar er sendt/);
    assert.match(textOf(answered), /Dit svar: Kommer/);

    // The organiser's card is updated in place (PUT) with the new tally.
    const updated = await waitFor('organiser card update', () =>
      cardsOf(bot.connector.sent.filter((s) => s.method === 'PUT')).find((c) => /2 kommer/.test(textOf(c))),
    );
    assert.match(textOf(updated), /2 kommer · 0 afbud · 0 sender en anden · 1 mangler svar/);
  });

  it('the checklist opens as its own message; two people ticking on their own cards never undo each other', async () => {
    const organiser = await schedule();
    const before = bot.connector.sent.length;
    const stays = await click(bot, NINA, 'meeting', organiser, 'checklistView');
    assert.match(textOf(stays), /Koordinationsmøde/, 'the organiser card stays in place');
    const checklist = cardsOf(bot.connector.sent.slice(before)).find((c) => /Tjekliste til koordinationsmødet/.test(textOf(c)));
    assert.ok(checklist, 'the checklist arrives as a new message');
    // Nina ticks "leader" and Ole, from the same (now older) card, ticks "note-taker".
    const a = await click(bot, NINA, 'meeting', checklist!, 'checklistSave', { leader: 'true', noteTaker: 'false' });
    assert.match(textOf(a), /under 1\/10|\(1\/10\)/);
    const b = await click(bot, OLE, 'meeting', checklist!, 'checklistSave', { leader: 'false', noteTaker: 'true' });
    assert.match(textOf(b), /\(2\/10\)/, 'both ticks are kept');
  });

  it('makes one meeting and sends exactly one invitation per contact on a double click and a Teams retry', async () => {
    const form = await scheduleForm();
    const data = { ...actionData(form, 'schedule'), ...scheduleFields };
    const [first, retry, doubleClick] = await Promise.all([
      bot.execute(NINA, 'meeting', data, 'da-DK', 'form-1', 'schedule-activity-1'),
      bot.execute(NINA, 'meeting', data, 'da-DK', 'form-1', 'schedule-activity-1'),
      bot.execute(NINA, 'meeting', data, 'da-DK', 'form-1', 'schedule-activity-2'),
    ]);
    const ids = new Set([first, retry, doubleClick].map((a) => actionData(a.card, 'cancel').meetingId));
    assert.equal(ids.size, 1, 'one meeting');
    assert.match(textOf(first.card) + textOf(retry.card), /Koordinationsmøde/);
    await waitFor('invitation', () => invitationTo(OLE));
    await new Promise((r) => setTimeout(r, 300));
    const toOle = bot.connector.sent.filter((s) => s.conversationId === `a:personal-${OLE.aadObjectId}` && /inviteret/.test(textOf(s.activity)));
    assert.equal(toOle.length, 1);
  });

  it('moving the meeting into the past says what to correct; a real move re-invites Ole with the new time', async () => {
    const organiser = await schedule();
    await waitFor('first invitation', () => invitationTo(OLE));
    const past = await click(bot, NINA, 'meeting', organiser, 'reschedule', { date: '2020-01-01', time: '10:00', durationMinutes: '60' });
    assert.match(textOf(past), /Tidspunktet er allerede passeret/);
    assert.match(textOf(past), /1 kommer · 0 afbud/, 'nothing changed');

    const later = new Date(Date.now() + 20 * 86_400_000).toISOString().slice(0, 10);
    const moved = await click(bot, NINA, 'meeting', organiser, 'reschedule', { date: later, time: '13:00', durationMinutes: '60' });
    assert.match(textOf(moved), /Mødet er flyttet/);
    const again = await waitFor('the changed invitation', () =>
      cardsOf(bot.connector.sent.filter((s) => s.conversationId === `a:personal-${OLE.aadObjectId}`)).find((c) => /Mødet er flyttet/.test(textOf(c))),
    );
    assert.match(textOf(again), /13[.:]00/);
    // The old card is stale: its answer is not counted for the new time.
    const stale = await bot.execute(OLE, 'invitation', actionData(await waitFor('old card', () => invitationTo(OLE)), 'accept'));
    assert.match(textOf(stale.card), /Mødet er flyttet. Svar venligst igen/);
  });

  it('shows on the organiser’s card an invitation Teams finally refused, never dropping it', async () => {
    bot.connector.refused.add(`a:personal-${OLE.aadObjectId}`);
    await schedule();
    const failed = await waitFor('organiser card with the failure', () =>
      cardsOf(bot.connector.sent.filter((s) => s.method === 'PUT')).find((c) => /Kunne ikke leveres/.test(textOf(c))),
    );
    assert.match(textOf(failed), /Ole Bostøtte/);
  });

  const overviewText = async () =>
    textOf(cardsOf((await bot.say(NINA, 'mine planer')).filter((x) => x.conversationId === `a:personal-${NINA.aadObjectId}`))[0]);

  it('the plan’s overview counts the invitations as sent once Ole’s is queued and the mother’s mail confirmed', async () => {
    await click(bot, NINA, 'meeting', await schedule(), 'manualSent');
    await waitFor('Ole’s invitation', () => invitationTo(OLE));
    assert.match(await overviewText(), /Tjekliste: før 4\/4/);
  });

  it('the plan’s overview does not count an invitation Teams finally refused as sent', async () => {
    bot.connector.refused.add(`a:personal-${OLE.aadObjectId}`);
    const organiser = await schedule();
    await waitFor('the failure on the organiser’s card', () =>
      cardsOf(bot.connector.sent.filter((x) => x.method === 'PUT')).find((c) => /Kunne ikke leveres/.test(textOf(c))),
    );
    await click(bot, NINA, 'meeting', organiser, 'manualSent');
    assert.match(await overviewText(), /Tjekliste: før 3\/4/);
  });

  it('an apology with a reason far over any limit keeps Ole’s card, says nothing was saved', async () => {
    await schedule();
    const invitation = await waitFor('invitation', () => invitationTo(OLE));
    const answer = await bot.execute(OLE, 'invitation', { ...actionData(invitation, 'apologies'), reason: 'x'.repeat(10_001) });
    assert.match(textOf(answer.card), /Kortet kunne ikke læses/);
    assert.match(textOf(answer.card), /Dit svar: Mangler svar/);
  });

  it('refuses to call a meeting for a plan the user is not in, and says so', async () => {
    const [overview] = cardsOf(await bot.say(NINA, 'mine planer'));
    const stranger: TestUser = { aadObjectId: '00000000-0000-4000-8000-00000000c003', name: 'Kim Udenfor', tenantId: NINA.tenantId };
    const forged = await bot.execute(stranger, 'meeting', actionData(overview, 'prepare'));
    assert.match(textOf(forged.card), /ikke adgang/);
    assert.doesNotMatch(textOf(forged.card), /Jens Jensen/);
    const otherTenant: TestUser = { ...NINA, tenantId: '00000000-0000-4000-8000-0000000000ff' };
    const crossTenant = await bot.execute(otherTenant, 'meeting', actionData(overview, 'prepare'));
    assert.match(textOf(crossTenant.card), /ikke adgang/, 'the tenant comes from the activity, never from the card');
  });

  it('refuses an answer to someone else’s invitation and answers on a cancelled meeting', async () => {
    const organiser = await schedule();
    const invitation = await waitFor('invitation', () => invitationTo(OLE));
    const forged = await bot.execute(NINA, 'invitation', actionData(invitation, 'accept'));
    assert.match(textOf(forged.card), /Invitationen er ikke til dig/);

    const cancelled = await click(bot, NINA, 'meeting', organiser, 'cancel', { cancelReason: 'Borgeren er indlagt' });
    assert.match(textOf(cancelled), /Mødet er aflyst/);
    const late = await bot.execute(OLE, 'invitation', actionData(invitation, 'accept'));
    assert.match(textOf(late.card), /Mødet er aflyst, så svaret er ikke registreret/);
  });

  it('serves the mother’s invitation as a valid .ics in Copenhagen time, and refuses a forged link', async () => {
    const organiser = await schedule();
    const urls: string[] = [];
    JSON.stringify(organiser, (k, v) => {
      if (k === 'url' && typeof v === 'string' && v.includes('/ics/')) urls.push(v);
      return v;
    });
    assert.equal(urls.length, 1);
    const res = await fetch(urls[0]!.replace(/^http:\/\/localhost:\d+/, `http://127.0.0.1:${bot.bot!.http.port}`));
    assert.equal(res.status, 200, await res.clone().text());
    assert.match(res.headers.get('content-type') ?? '', /text\/calendar/);
    const ics = await res.text();
    const calendar = new ICAL.Component(ICAL.parse(ics));
    const event = new ICAL.Event(calendar.getFirstSubcomponent('vevent')!);
    assert.ok(event.uid, 'a parseable event with a UID');
    assert.match(ics, new RegExp(`DTSTART;TZID=Europe/Copenhagen:${future.replace(/-/g, '')}T100000`));
    assert.ok(calendar.getFirstSubcomponent('vtimezone'), 'the file carries its own time zone');
    assert.doesNotMatch(ics, /Jens Jensen/, 'the file names the plan reference, never the citizen');
    const forged = await fetch(urls[0]!.replace(/^http:\/\/localhost:\d+/, `http://127.0.0.1:${bot.bot!.http.port}`).slice(0, -3) + 'AAA');
    assert.equal(forged.status, 404);
  });

  /** The .ics links on a card (the organiser's list of contacts outside Teams). */
  function icsLinksOn(card: Card): string[] {
    const urls: string[] = [];
    JSON.stringify(card, (k, v) => {
      if (k === 'url' && typeof v === 'string' && v.includes('/ics/')) urls.push(v);
      return v;
    });
    return urls;
  }
  const download = (url: string, headers: Record<string, string> = {}) =>
    fetch(url.replace(/^http:\/\/localhost:\d+/, `http://127.0.0.1:${bot.bot!.http.port}`), { headers });
  const NOT_VALID = /Linket er udløbet eller ugyldigt\. \/ The link has expired or is invalid\. \/ Länken har gått ut eller är ogiltig\./;

  /** Changes Nina's plan in the store (the bot has no buttons yet to lock, close or shrink a plan). */
  async function planChanger(): Promise<(change: (plan: CarePlan) => CarePlan) => Promise<void>> {
    const plans = new CosmosPlanStore(bot.bot!.store.containers.plans!);
    // Read from the store: once a meeting is called, the overview card opens it instead of offering "prepare".
    const [plan] = await plans.listForMember(NINA.tenantId, NINA.aadObjectId, { limit: 10 });
    const planId = plan!.id;
    return async (change) => assert.ok(await plans.update(NINA.tenantId, planId, change), 'the plan was changed');
  }

  it('the .ics carries nothing about the mother or the citizen, no attendees, and names the organiser validly or not at all', async () => {
    const [link] = icsLinksOn(await schedule());
    const ics = await (await download(link!)).text();
    const vevent = new ICAL.Component(ICAL.parse(ics)).getFirstSubcomponent('vevent')!;
    for (const value of ['Jens Jensen', 'Jensen', 'Mor', 'Pårørende', 'Psykiatri', 'Et arbejde', '1990', 'Velkomst', 'Situationsrunde']) {
      assert.ok(!ics.replace(/\r\n /g, '').includes(value), `"${value}" is in the file`);
    }
    assert.equal(vevent.getAllProperties('attendee').length, 0);
    assert.ok(!ics.includes('invalid:'), 'no placeholder ORGANIZER');
    const organizer = vevent.getFirstPropertyValue('organizer');
    const method = new ICAL.Component(ICAL.parse(ics)).getFirstPropertyValue('method');
    assert.ok((organizer === null && method === null) || (String(organizer).startsWith('mailto:') && method === 'PUBLISH'), `${String(organizer)} / ${String(method)}`);
  });

  it('a moved meeting: the old link answers 410, the organiser’s card has a new link with the new time', async () => {
    const organiser = await schedule();
    const [before] = icsLinksOn(organiser);
    assert.equal((await download(before!)).status, 200);
    const later = new Date(Date.now() + 20 * 86_400_000).toISOString().slice(0, 10);
    const moved = await click(bot, NINA, 'meeting', organiser, 'reschedule', { date: later, time: '13:00', durationMinutes: '60' });
    const [after] = icsLinksOn(moved);
    assert.ok(after && after !== before, 'a new link');
    const old = await download(before!);
    assert.equal(old.status, 410);
    assert.match(await old.text(), NOT_VALID);
    const fresh = await download(after);
    assert.equal(fresh.status, 200);
    const ics = await fresh.text();
    assert.match(ics, new RegExp(`DTSTART;TZID=Europe/Copenhagen:${later.replace(/-/g, '')}T130000`));
    assert.equal(new ICAL.Event(new ICAL.Component(ICAL.parse(ics)).getFirstSubcomponent('vevent')!).sequence, 1);
  });

  it('a cancelled meeting: the invitation link answers 410, the card offers the file that cancels it', async () => {
    const organiser = await schedule();
    const [invitation] = icsLinksOn(organiser);
    const uid = new ICAL.Event(new ICAL.Component(ICAL.parse(await (await download(invitation!)).text())).getFirstSubcomponent('vevent')!).uid;
    const cancelled = await click(bot, NINA, 'meeting', organiser, 'cancel', { cancelReason: 'Borgeren er indlagt' });
    assert.match(textOf(cancelled), /Aflysning af koordinationsmøde/, 'the secure-mail text is now the cancellation');
    const [cancellation] = icsLinksOn(cancelled);
    assert.ok(cancellation && cancellation !== invitation);
    assert.equal((await download(invitation!)).status, 410);
    const res = await download(cancellation);
    assert.equal(res.status, 200);
    const ics = await res.text();
    const calendar = new ICAL.Component(ICAL.parse(ics));
    const vevent = calendar.getFirstSubcomponent('vevent')!;
    assert.equal(vevent.getFirstPropertyValue('status'), 'CANCELLED');
    assert.ok([null, 'CANCEL'].includes(calendar.getFirstPropertyValue('method') as string | null));
    assert.equal(new ICAL.Event(vevent).uid, uid, 'the same event, so calendars remove it');
    assert.equal(new ICAL.Event(vevent).sequence, 1);
  });

  it('the link stops while the plan is locked or closed, and once the contact is removed (410)', async () => {
    const [link] = icsLinksOn(await schedule());
    assert.equal((await download(link!)).status, 200);
    const changePlan = await planChanger();
    let consent: CarePlan['consent'] | undefined;
    await changePlan((p) => {
      consent = p.consent;
      return { ...p, consent: { ...p.consent, status: 'withdrawn' } };
    });
    assert.equal((await download(link!)).status, 410, 'consent withdrawn');
    await changePlan((p) => ({ ...p, consent: consent! }));
    assert.equal((await download(link!)).status, 200, 'the same link again once the plan is open: it was the lock');
    await changePlan((p) => ({ ...p, status: 'closed' }));
    assert.equal((await download(link!)).status, 410, 'plan closed');
    await changePlan((p) => ({ ...p, status: 'draft' }));
    assert.equal((await download(link!)).status, 200);
    await changePlan((p) => ({ ...p, contacts: p.contacts.filter((c) => c.name !== 'Mor Jensen') }));
    const gone = await download(link!);
    assert.equal(gone.status, 410, 'contact removed');
    assert.match(await gone.text(), NOT_VALID);
  });

  it('limits downloads: 10 a minute per link, 30 a minute per client address (429 with Retry-After)', async () => {
    const [link] = icsLinksOn(await schedule());
    for (let i = 1; i <= 10; i++) assert.equal((await download(link!)).status, 200, `download ${i}`);
    const limited = await download(link!);
    assert.equal(limited.status, 429);
    const retryAfter = Number(limited.headers.get('retry-after'));
    assert.ok(retryAfter >= 1 && retryAfter <= 6, `Retry-After ${retryAfter}`);
    assert.match(await limited.text(), /For mange forsøg/);
    // Another client address (as App Service reports it) is not held up by this one.
    assert.equal((await download(link!, { 'x-forwarded-for': '203.0.113.7:50000' })).status, 429, 'still the same link');
    // Guessing links from one address: refused after 30 requests a minute (with a little slack for the refill while the test runs).
    let refusedAfter = 0;
    for (let i = 1; i <= 40 && !refusedAfter; i++) {
      const forged = link!.slice(0, -3) + String(i).padStart(3, 'A');
      const res = await download(forged, { 'x-forwarded-for': '198.51.100.9' });
      if (res.status === 429) refusedAfter = i;
      else assert.equal(res.status, 404);
    }
    assert.ok(refusedAfter >= 31 && refusedAfter <= 33, `refused after ${refusedAfter}`);
  });
});
