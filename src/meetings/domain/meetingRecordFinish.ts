/**
 * Finishing a meeting: what the record agreed becomes the plan's agreements
 * and its next version (source 'meeting', with the approval and a snapshot).
 * Keyed by the meeting id, so applying it again – a double click, two people
 * at once, a retry after a crash – finds the version already made. Pure: no I/O.
 */
import type { Actor, CarePlan } from '../../plans/domain/carePlan';
import type { AgreedAction, PlanAgreements } from '../../plans/domain/agreements';
import { currentVersion, startNewVersion, versionsOf } from '../../plans/domain/planHistory';
import { approvalOf, type MeetingRecord } from './meetingRecord';

/** The version this meeting already made, if any. */
export function versionMadeBy(plan: CarePlan, meetingId: string): number | undefined {
  return versionsOf(plan).find((v) => v.meetingId === meetingId)?.number;
}

/**
 * The agreements as the meeting left them. Actions keep their ids; an action
 * from an earlier version that the meeting did not change keeps its status,
 * its done mark and the version it was agreed in; a changed or new one is
 * open and agreed in `version`.
 */
export function agreementsOf(record: MeetingRecord, previous: PlanAgreements | undefined, version: number, now: Date): PlanAgreements {
  const c = record.content;
  const before = new Map((previous?.actions ?? []).map((a) => [a.id, a]));
  const actions: AgreedAction[] = c.actions.map((d) => {
    const old = before.get(d.id);
    const same = old && old.what === d.what && old.responsibleContactId === d.responsibleContactId && old.deadline === d.deadline && (old.serves ?? '') === (d.serves ?? '');
    if (old && same) return old;
    return { id: d.id, what: d.what, responsibleContactId: d.responsibleContactId, deadline: d.deadline, ...(d.serves ? { serves: d.serves } : {}), status: 'open', agreedInVersion: version };
  });
  const since = (contactId: string | undefined, held: { contactId: string; since: string } | undefined) =>
    contactId ? { contactId, since: held?.contactId === contactId ? held.since : now.toISOString() } : undefined;
  const coordinator = since(c.coordinator.contactId, previous?.coordinator);
  const secondCoordinator = since(c.coordinator.secondContactId, previous?.secondCoordinator);
  return {
    priorityAreas: c.areas,
    actions,
    warningSigns: c.warnings,
    ...(coordinator ? { coordinator } : {}),
    ...(secondCoordinator ? { secondCoordinator } : {}),
    ...(c.next.date ? { nextMeeting: { date: c.next.date } } : c.next.noneReason ? { nextMeeting: { noneReason: c.next.noneReason } } : {}),
  };
}

/** The plan with the meeting's version and agreements; undefined when this meeting already made its version. */
export function planFinishedBy(plan: CarePlan, record: MeetingRecord, by: Actor, now: Date): CarePlan | undefined {
  if (versionMadeBy(plan, record.meetingId) !== undefined) return undefined;
  const number = currentVersion(plan).number + 1;
  const agreements = agreementsOf(record, plan.agreements, number, now);
  const next = startNewVersion(plan, by, now, 'meeting');
  const versions = next.versions!.map((v) => (v.number === number ? { ...v, meetingId: record.meetingId, approval: approvalOf(record), agreements } : v));
  return { ...next, versions, agreements };
}
