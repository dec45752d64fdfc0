/**
 * Finishing freezes the record before the plan's version is made from it: a
 * section saved while the version is being written is refused (the saver is
 * told), never accepted onto the record and missing from the version.
 */
import { strict as assert } from 'node:assert';
import { scheduleInputSchema, scheduleMeeting, type CoordinationMeeting } from '../../../../src/meetings/domain/meeting';
import { newRecord, saveSection, type MeetingRecord } from '../../../../src/meetings/domain/meetingRecord';
import { MeetingRecordService } from '../../../../src/meetings/domain/meetingRecordService';
import { stableUuid } from '../../../../src/platform/environment';
import { memberIdsFor, type CarePlan } from '../../../../src/plans/domain/carePlan';
import { T0, ownerActor, planWithTeamsNetwork } from '../../fixtures';

const NOW = new Date(T0);

describe('meetings/domain/meetingRecordService: a save racing "Afslut og send planen"', () => {
  it('is refused once finishing began; the version holds exactly what the record holds', async () => {
    const p0 = planWithTeamsNetwork('Mor');
    let plan: CarePlan = { ...p0, memberIds: memberIdsFor(p0), agreements: { priorityAreas: [], actions: [], warningSigns: [], coordinator: { contactId: p0.contacts[0]!.id, since: T0 } } };
    const input = scheduleInputSchema.parse({ date: '2026-04-14', time: '10:00', durationMinutes: '90', mode: 'inPerson', place: 'Bostedet', agenda: 'Velkomst' });
    const meeting = (scheduleMeeting(plan, input, ownerActor(), { meetingId: 'm-1', timeZone: 'Europe/Copenhagen', now: NOW }) as { meeting: CoordinationMeeting }).meeting;
    let record: MeetingRecord = newRecord({ id: meeting.id, tenantId: meeting.tenantId, planId: plan.id, meetingId: meeting.id, organiserContactId: meeting.organiserContactId, invitations: meeting.invitations, agreements: plan.agreements, now: NOW });
    record = { ...record, content: { ...record.content, next: { noneReason: 'Afsluttes' } } };
    let etag = 1;
    const records = {
      create: async () => 'exists' as const,
      get: async () => record,
      read: async () => ({ value: record, etag: String(etag) }),
      update: async (_t: string, _id: string, change: (r: MeetingRecord) => MeetingRecord | undefined) => {
        const before = record;
        const after = change(record);
        if (!after) return { before, after: before };
        record = after;
        etag++;
        return { before, after };
      },
    };
    let racing: ReturnType<typeof saveSection> | undefined;
    const plans = {
      get: async () => plan,
      update: async (_t: string, _id: string, change: (p: CarePlan) => CarePlan | undefined) => {
        if (!racing) {
          // Another member's save arrives while the version is being written.
          racing = saveSection(record, 'areas', ['Jens starter i værkstedet'], 0, { userId: 'aad-colleague', name: 'Kollega' }, NOW, () => 'X');
          if (racing.kind === 'saved') record = racing.record;
        }
        const next = change(plan);
        if (next) plan = next;
        return next ? plan : undefined;
      },
    };
    const service = new MeetingRecordService({
      plans: plans as never,
      meetings: { get: async () => meeting, findMeetingByChat: async () => undefined, update: async () => undefined } as never,
      records: records as never,
      audit: { record: async () => undefined, get: async () => undefined } as never,
      cards: { refresh: async () => undefined },
      finished: { queue: async () => undefined },
      env: { now: () => NOW, newId: () => 'x', stableId: stableUuid } as never,
    });
    const result = await service.finish({ tenantId: meeting.tenantId, userId: meeting.organiser.userId, name: 'Org' }, meeting.id);
    assert.equal(result.kind, 'ok');
    assert.equal(racing?.kind, 'finished', 'the racing save is refused (its saver is told the meeting is finished)');
    assert.ok(record.finished, 'the record is finished');
    const version = plan.versions!.at(-1)!;
    assert.deepEqual(version.agreements?.priorityAreas ?? [], record.content.areas ?? [], 'the version holds what the record holds');
    assert.ok(!JSON.stringify(record).includes('værkstedet'));
  });
});
