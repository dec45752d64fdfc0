/**
 * Retention and erasure through the real bot: closing a plan (or a full
 * withdrawal of consent) schedules a durable erasure job at the end of the
 * retention period; until then the plan stays (read-only); when the job is due
 * (its due time moved into the past here), every document about the plan is
 * gone – and a scan of every document in every container finds none of the
 * values entered about the citizen. The audit trail keeps ids and codes.
 */
import { strict as assert } from 'node:assert';
import { jobId } from '../../../src/platform/scheduler/job';
import { NINA, OLE, TENANT, TestBot, actionData } from '../../support/testBot';
import {
  AGENDA_LINE,
  CITIZEN,
  CONSENT_NOTE,
  MOTHER,
  allDocuments,
  callMeeting,
  cardsTo,
  documentsOf,
  myPlans,
  outboxIdle,
  planWithNetwork,
  press,
  storedPlan,
  textOf,
  today,
  waitFor,
} from '../../support/planScenario';

const DAY_MS = 86_400_000;
const APOLOGY = 'Kursus på værkstedet i Korsør';
const CLOSE_NOTE = 'Jens flytter til Aalborg hos sin kusine';
const WITHDRAW_NOTE = 'Jens ringede selv og bad om at stoppe det hele';

/** Every value typed about the citizen and the people around them outside Teams. */
const ENTERED = [
  ...Object.entries(CITIZEN).filter(([k]) => k !== 'preferredLanguage').map(([, v]) => v),
  CONSENT_NOTE, MOTHER.name, MOTHER.phone, MOTHER.email, AGENDA_LINE, APOLOGY,
  // Typed about the network in the guide (roles and organisations in the citizen's context).
  'Ole Bostøtte', 'Kari Jensen', 'Grete Læge', 'Søster', 'Lægehuset Slagelse', 'grete@laegehuset.example', 'kari.jensen@example.dk',
  // Who obtained the consent and called the meeting.
  NINA.name,
];

const ends = {
  'closing the plan': {
    days: 90,
    note: CLOSE_NOTE,
    end: async (bot: TestBot) => {
      const form = await press(bot, NINA, 'planLifecycle', await myPlans(bot, NINA), 'closeForm');
      const confirm = await press(bot, NINA, 'planLifecycle', form, 'closeCheck', { reason: 'other', note: CLOSE_NOTE });
      return press(bot, NINA, 'planLifecycle', confirm, 'closeConfirm');
    },
  },
  'a full withdrawal of consent': {
    days: 30,
    note: WITHDRAW_NOTE,
    end: async (bot: TestBot) => {
      const form = await press(bot, NINA, 'planLifecycle', await myPlans(bot, NINA), 'withdrawForm');
      const confirm = await press(bot, NINA, 'planLifecycle', form, 'withdrawCheck', { scope: 'all', method: 'written', on: today, note: WITHDRAW_NOTE });
      return press(bot, NINA, 'planLifecycle', confirm, 'withdrawConfirm');
    },
  },
};

describe('retention and erasure through the bot', function () {
  this.timeout(90_000);
  let bot: TestBot;

  beforeEach(async () => {
    bot = await new TestBot().start();
    await planWithNetwork(bot);
    await callMeeting(bot);
    const invitation = await waitFor('Ole’s invitation', () => cardsTo(bot, OLE).find((c) => /inviteret til et koordinationsmøde/.test(textOf(c))));
    await press(bot, OLE, 'invitation', invitation, 'apologies', { reason: APOLOGY });
  });
  afterEach(async () => bot.stop());

  for (const [label, { days, note, end }] of Object.entries(ends)) {
    const entered = [...ENTERED, note];
    it(`${label}: kept ${days} days by default, then every document about the plan is erased everywhere`, async () => {
      const planId = (await storedPlan(bot)).id;
      const overview = await myPlans(bot, NINA);
      const endedAt = Date.now();
      await end(bot);

      // The erasure is a durable job due when the retention period ends; until then the plan is kept.
      const id = jobId('plan.erase', TENANT, planId);
      const job = await waitFor('the erasure job', () => bot.bot!.jobs.get(id));
      assert.equal(job.status, 'pending');
      assert.ok(Math.abs(Date.parse(job.dueAt) - (endedAt + days * DAY_MS)) < 60_000, `due ${job.dueAt}, ${days} days after`);
      assert.equal((await storedPlan(bot)).eraseAfter, job.dueAt, 'the plan says when it is erased');
      assert.match(textOf(await myPlans(bot, NINA)), /Slettes/);

      // Everything that follows the ending has happened, and every message has left the outbox.
      await waitFor('the meeting cancelled', async () => ((await documentsOf(bot, 'meetings')) as Array<{ status: string }>).every((m) => m.status === 'cancelled') || undefined);
      await outboxIdle(bot);
      const before = JSON.stringify(await allDocuments(bot));
      for (const value of entered) assert.ok(before.includes(value), `the scan can find "${value}" before erasure`);
      assert.match(before, /KIP-[0-9A-Z]{4}-[0-9A-Z]{4}/);

      // The retention period is over: the job's due time is now.
      assert.equal(await bot.bot!.jobs.reschedule(id, new Date(Date.now() - 1000).toISOString()), 'rescheduled');
      await waitFor('the erasure', async () => ((await bot.bot!.jobs.get(id))?.status === 'done' ? true : undefined), 20_000);

      const all = await allDocuments(bot);
      assert.deepEqual(all.plans, [], 'the plan is gone');
      assert.deepEqual(all.meetings, [], 'its meetings are gone');
      assert.deepEqual((all.drafts as Array<{ id: string }>).filter((d) => d.id === planId), [], 'the guide that made it is gone');
      const everything = JSON.stringify(all);
      assert.doesNotMatch(everything, /KIP-[0-9A-Z]{4}-[0-9A-Z]{4}/, 'not even the plan’s reference');
      for (const value of entered) assert.ok(!everything.includes(value), `"${value}" is still stored: ${everything.slice(Math.max(0, everything.indexOf(value) - 300), everything.indexOf(value) + 100)}`);

      // The audit trail keeps ids and codes: the erasure itself is on it.
      const audit = all.audit as Array<{ planId: string; action: string; actorId: string; details?: unknown }>;
      assert.ok(audit.some((e) => e.planId === planId && e.action === 'plan.erased' && e.actorId === 'system:retention'));

      // Nothing is left to show: the plan is not listed, its old buttons find nothing.
      assert.match(textOf(await myPlans(bot, NINA)), /ikke med i nogen planer/);
      // (The meeting is called, so the overview's meeting button is "Koordinationsmøde", not "Indkald til møde".)
      const old = await bot.execute(NINA, 'meeting', actionData(overview, 'organiserView'));
      assert.match(textOf(old.card), /ikke adgang/);
      assert.doesNotMatch(textOf(old.card), new RegExp(CITIZEN.name));
    });
  }
});
