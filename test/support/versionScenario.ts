/**
 * A plan version as the meeting capability makes it (issue #9, "capture"): the
 * next version with source 'meeting', a meeting id, the citizen's approval and
 * an immutable snapshot of the agreements, and the same agreements on the plan.
 * Tests of the distribution write it through the plans repository with this.
 */
import { randomUUID } from 'node:crypto';
import type { CitizenApproval, PlanAgreements } from '../../src/plans/domain/agreements';
import type { Actor, CarePlan } from '../../src/plans/domain/carePlan';
import { currentVersion, startNewVersion } from '../../src/plans/domain/planHistory';

/** What every test types into the agreements (the privacy checks look for each). */
export const WARNING_SIGN = 'Trækker sig fra værkstedet og sover om dagen';
export const WARNING_RESPONSE = 'Ring til Ole samme dag';

/** One action per contact outside the citizen (deadlines a week apart), a coordinator, warning signs and a next meeting. */
export function agreementsFor(plan: CarePlan, version: number, coordinatorContactId?: string): PlanAgreements {
  const staff = plan.contacts.filter((c) => c.sector !== 'citizen');
  const day = (i: number) => new Date(Date.UTC(2030, 0, 7 + 7 * i)).toISOString().slice(0, 10);
  return {
    priorityAreas: ['Bolig', 'Beskæftigelse', 'Medicin'],
    actions: staff.map((c, i) => ({
      id: `00000000-0000-4000-8000-${String(i + 1).padStart(12, '0')}`,
      what: `Indsats ${i + 1} for ${c.name}`,
      responsibleContactId: c.id,
      deadline: day(i),
      serves: ['Bolig', 'Beskæftigelse', 'Medicin'][i % 3],
      status: 'open' as const,
      agreedInVersion: version,
    })),
    warningSigns: [{ id: '00000000-0000-4000-8000-0000000000f1', sign: WARNING_SIGN, response: WARNING_RESPONSE }],
    coordinator: { contactId: coordinatorContactId ?? staff[0]!.id, since: new Date(0).toISOString() },
    nextMeeting: { date: '2030-06-03' },
  };
}

/** The plan with the next version made by a meeting, as the meeting capability writes it. */
export function withMeetingVersion(plan: CarePlan, by: Actor, at: Date, approval: CitizenApproval = { status: 'pending' }, coordinatorContactId?: string): CarePlan {
  const n = currentVersion(plan).number + 1;
  const agreements = agreementsFor(plan, n, coordinatorContactId);
  const next = startNewVersion(plan, by, at, 'meeting');
  const versions = next.versions!.map((v) => (v.number === n ? { ...v, meetingId: randomUUID(), approval, agreements } : v));
  return { ...next, versions, agreements, status: 'active' };
}
