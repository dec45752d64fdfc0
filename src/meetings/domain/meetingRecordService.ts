/**
 * The live meeting record: opened at the meeting's start (or "Start mødet"),
 * saved section by section by the network, marked by join events, finished
 * into the plan's next version. Every look and change is audited (codes
 * only); a viewer outside the plan's network gets the restricted view.
 */
import { AuditTrail } from '../../platform/audit/auditTrail';
import type { Environment, UserIdentity } from '../../platform/identity';
import type { AuditLog, Versioned } from '../../platform/ports';
import { instantToZoned } from '../../platform/zonedTime';
import { canChange, isMember, type Actor, type CarePlan } from '../../plans/domain/carePlan';
import { coordinatorCandidates } from '../../plans/domain/agreements';
import type { PlanStore } from '../../plans/domain/ports';
import type { CoordinationMeeting } from './meeting';
import { markEnded, markJoined, mergeActions, missingForFinish, newRecord, saveSection, sectionRev, type DraftAction, type MeetingRecord, type RecordContent, type RecordSection } from './meetingRecord';
import { parseSection, rowIds, type Fields } from './meetingRecordInput';
import { planFinishedBy, versionMadeBy } from './meetingRecordFinish';
import { capturedItems, withCapturedChecklist } from './meetingRecordChecklist';

export interface RecordStore {
  create(record: MeetingRecord): Promise<'created' | 'exists'>;
  get(tenantId: string, id: string): Promise<MeetingRecord | undefined>;
  /** The record with the ETag it was read at (an update can start from it without reading again). */
  read(tenantId: string, id: string): Promise<Versioned<MeetingRecord> | undefined>;
  /** ETag update, re-reading and re-applying `change` on a 412 (undefined from `change`: leave it); `known` spares the first read. */
  update(
    tenantId: string,
    id: string,
    change: (record: MeetingRecord) => MeetingRecord | undefined,
    known?: Versioned<MeetingRecord>,
  ): Promise<{ before: MeetingRecord; after: MeetingRecord } | undefined>;
}

/** The meetings the record needs: by id, and by the Teams meeting chat. */
export interface RecordMeetings {
  get(tenantId: string, id: string): Promise<CoordinationMeeting | undefined>;
  findMeetingByChat(tenantId: string, conversationId: string, now?: Date): Promise<CoordinationMeeting | undefined>;
  update(tenantId: string, id: string, change: (meeting: CoordinationMeeting) => CoordinationMeeting | undefined): Promise<{ before: CoordinationMeeting; after: CoordinationMeeting } | undefined>;
}

/** Brings the posted meeting cards up to date for everyone (outbox updates; idempotent). */
export interface RecordCards {
  refresh(plan: CarePlan, meeting: CoordinationMeeting, record: MeetingRecord): Promise<void>;
}

/** Runs `onVersionFinished` durably after a meeting made a version (idempotent per meeting). */
export interface FinishedHook {
  queue(tenantId: string, planId: string, versionNumber: number, by: Actor, meetingId: string): Promise<void>;
}

export interface RecordServiceDeps {
  plans: PlanStore;
  meetings: RecordMeetings;
  records: RecordStore;
  audit: AuditLog;
  cards: RecordCards;
  finished: FinishedHook;
  env: Environment;
}

/** Who is looking at the card: in the network or not, their contact, whether they may finish. */
export interface Viewer {
  member: boolean;
  contactId?: string;
  canFinish: boolean;
}

export type RecordOutcome =
  | { kind: 'ok'; plan: CarePlan; meeting: CoordinationMeeting; record: MeetingRecord; viewer: Viewer; notice?: Notice }
  | { kind: 'invalid'; plan: CarePlan; meeting: CoordinationMeeting; record: MeetingRecord; viewer: Viewer; section: RecordSection; errors: Record<string, string>; fields: Fields }
  | { kind: 'missing'; plan: CarePlan; meeting: CoordinationMeeting; record: MeetingRecord; viewer: Viewer; missing: string[] }
  /** Not in the network: the plan's reference and the agenda only. */
  | { kind: 'restricted'; reference: string; agenda: string[]; meetingId: string }
  | { kind: 'locked'; plan: CarePlan }
  | { kind: 'denied' };

export type Notice = { code: 'saved' | 'replacedOther' | 'finished' | 'alreadyFinished' | 'notAllowed' | 'started' };

const TARGET = 'meetingRecord';

/** The meeting and plan a member acts on, and the record if it exists yet (with its ETag). */
interface Loaded {
  plan: CarePlan;
  meeting: CoordinationMeeting;
  known?: Versioned<MeetingRecord>;
}

export class MeetingRecordService {
  private readonly trail: AuditTrail;

  constructor(private readonly d: RecordServiceDeps) {
    this.trail = new AuditTrail(d.audit, d.env);
  }

  /** The meeting whose Teams chat this is, if any (meeting events). */
  meetingOfChat(tenantId: string, conversationId: string): Promise<CoordinationMeeting | undefined> {
    return this.d.meetings.findMeetingByChat(tenantId, conversationId, this.d.env.now());
  }

  /** A meeting event: the plan and the record (created if needed); undefined when the plan is gone, locked or closed. */
  async forEvent(meeting: CoordinationMeeting): Promise<{ plan: CarePlan; record: MeetingRecord } | undefined> {
    const plan = await this.d.plans.get(meeting.tenantId, meeting.planId);
    if (!plan || !canChange(plan) || meeting.status !== 'scheduled') return undefined;
    return { plan, record: await this.ensure(meeting, plan) };
  }

  /**
   * The meeting "Start mødet" opens: of the user's plans, the scheduled meeting
   * nearest to now that has not ended more than 12 hours ago.
   */
  async meetingToStart(user: UserIdentity, planIds: readonly string[], list: (planId: string) => Promise<CoordinationMeeting[]>): Promise<string | undefined> {
    const now = this.d.env.now().getTime();
    const candidates: CoordinationMeeting[] = [];
    for (const planId of planIds) candidates.push(...(await list(planId)).filter((m) => m.status === 'scheduled' && m.tenantId === user.tenantId));
    const distance = (m: CoordinationMeeting) => Math.abs(new Date(m.startsAt).getTime() - now);
    const recent = candidates.filter((m) => new Date(m.startsAt).getTime() + m.durationMinutes * 60_000 + 12 * 3600_000 > now);
    return recent.sort((a, b) => distance(a) - distance(b))[0]?.id;
  }

  /** Makes sure the meeting has its record (created once, prefilled from the invitations and the plan). */
  async ensure(meeting: CoordinationMeeting, plan: CarePlan): Promise<MeetingRecord> {
    return (await this.ensureVersioned(meeting, plan)).value;
  }

  private async ensureVersioned(meeting: CoordinationMeeting, plan: CarePlan, known?: Versioned<MeetingRecord>): Promise<Versioned<MeetingRecord>> {
    const existing = known ?? (await this.d.records.read(meeting.tenantId, meeting.id));
    if (existing) return existing;
    const seed = newRecord({
      id: meeting.id, tenantId: meeting.tenantId, planId: plan.id, meetingId: meeting.id,
      organiserContactId: meeting.organiserContactId, invitations: meeting.invitations, agreements: plan.agreements, now: this.d.env.now(),
    });
    await this.d.records.create(seed);
    const created = await this.d.records.read(meeting.tenantId, meeting.id);
    if (!created) throw new Error('meeting record vanished after create');
    return created;
  }

  /** "Start mødet" (in person) or an open of the card: the record for a network member (an audited look). */
  async start(user: UserIdentity, meetingId: string): Promise<RecordOutcome> {
    // Starting opens a record: a change, refused on a locked or closed plan and on a cancelled meeting.
    const ctx = await this.load(user, meetingId, 'change');
    if ('kind' in ctx) return ctx;
    if (!canChange(ctx.plan)) {
      await this.trail.refused(user, ctx.plan.id, 'locked', TARGET, { meetingId });
      return { kind: 'locked', plan: ctx.plan };
    }
    const record = (await this.ensureVersioned(ctx.meeting, ctx.plan, ctx.known)).value;
    await this.trail.read(user, ctx.plan.id, 'meeting.read', TARGET, { meetingId });
    return { kind: 'ok', plan: ctx.plan, meeting: ctx.meeting, record, viewer: this.viewer(ctx.plan, ctx.meeting, record, user) };
  }

  /** The card for whoever looks (an automatic refresh, or "Opdatér"): the full record for the network, the agenda for anyone else. */
  async view(user: UserIdentity, meetingId: string): Promise<RecordOutcome> {
    const ctx = await this.load(user, meetingId);
    if ('kind' in ctx) return ctx;
    // A closed plan's network may still read a record the meeting made, but no record is opened for it now.
    if (!ctx.known && !canChange(ctx.plan)) return { kind: 'locked', plan: ctx.plan };
    const record = (await this.ensureVersioned(ctx.meeting, ctx.plan, ctx.known)).value;
    await this.trail.read(user, ctx.plan.id, 'meeting.read', TARGET, { meetingId });
    return { kind: 'ok', plan: ctx.plan, meeting: ctx.meeting, record, viewer: this.viewer(ctx.plan, ctx.meeting, record, user) };
  }

  /** One section saved from a card drawn at `drawnRev`: only that section is written (re-applied on an ETag conflict). */
  async save(user: UserIdentity, meetingId: string, section: RecordSection, drawnRev: number, fields: Fields): Promise<RecordOutcome> {
    const ctx = await this.load(user, meetingId, 'change');
    if ('kind' in ctx) return ctx;
    const { plan, meeting } = ctx;
    const known = await this.ensureVersioned(meeting, plan, ctx.known);
    const record = known.value;
    const viewer = this.viewer(plan, meeting, record, user);
    if (!canChange(plan)) {
      await this.trail.refused(user, plan.id, 'locked', TARGET, { meetingId });
      return { kind: 'locked', plan };
    }
    const parsed = parseSection(section, fields, {
      contactIds: plan.contacts.map((c) => c.id),
      coordinatorIds: coordinatorCandidates(plan).map((c) => c.id),
      today: instantToZoned(this.d.env.now(), meeting.timeZone).date,
      // Stable for a double click or a retried activity, and per person: two people adding a row on cards drawn at the same rev add two rows.
      newRowId: (kind, index) => this.d.env.stableId('meetingRecord', meetingId, section, String(drawnRev), user.userId, kind, String(index)),
    });
    if (!parsed.ok) {
      await this.trail.read(user, plan.id, 'meeting.read', TARGET, { meetingId });
      return { kind: 'invalid', plan, meeting, record, viewer, section, errors: parsed.errors, fields };
    }
    const name = (id: string | undefined) => plan.contacts.find((c) => c.id === id)?.name ?? '—';
    const holder: { replaced: boolean; finished: boolean } = { replaced: false, finished: false };
    const result = await this.d.records.update(user.tenantId, meetingId, (current) => {
      // Actions merge the rows this card showed into the newest list (another row saved meanwhile stays).
      const value = section === 'actions'
        ? mergeActions(current.content.actions, parsed.value as DraftAction[], rowIds(fields.actionIds), sectionRev(current, 'actions') + 1)
        : parsed.value;
      const r = saveSection(current, section, value as RecordContent[typeof section], drawnRev, actor(user), this.d.env.now(), name);
      holder.finished = r.kind === 'finished';
      holder.replaced = r.kind === 'saved' && r.replacedSomeone;
      return r.kind === 'saved' ? r.record : undefined;
    }, known);
    const after = result?.after ?? record;
    if (holder.finished) {
      await this.trail.refused(user, plan.id, 'stale', TARGET, { meetingId, section });
      return { kind: 'ok', plan, meeting, record: after, viewer, notice: { code: 'alreadyFinished' } };
    }
    if (result && result.before !== result.after) {
      await this.trail.changed(user, plan.id, 'meeting.changed', { meetingId, section, ...(holder.replaced ? { replaced: true } : {}) });
      if (capturedItems(result.before).join() !== capturedItems(after).join()) await this.syncChecklist(meeting, after);
      await this.d.cards.refresh(plan, meeting, after);
    }
    return { kind: 'ok', plan, meeting, record: after, viewer: this.viewer(plan, meeting, after, user), notice: { code: holder.replaced ? 'replacedOther' : 'saved' } };
  }

  /**
   * "Afslut og send planen" (leader or note-taker): checks what the model
   * requires, then makes the plan's next version exactly once (keyed by the
   * meeting on the plan's ETag), queues the hook durably, and marks the record.
   * Run again after a crash, each step finds its work done and the rest runs.
   */
  async finish(user: UserIdentity, meetingId: string): Promise<RecordOutcome> {
    const ctx = await this.load(user, meetingId, 'change');
    if ('kind' in ctx) return ctx;
    const { plan, meeting } = ctx;
    const record = (await this.ensureVersioned(meeting, plan, ctx.known)).value;
    const viewer = this.viewer(plan, meeting, record, user);
    if (!viewer.canFinish) {
      await this.trail.refused(user, plan.id, 'notOrganiser', TARGET, { meetingId, action: 'finish' });
      return { kind: 'ok', plan, meeting, record, viewer, notice: { code: 'notAllowed' } };
    }
    if (!canChange(plan)) {
      await this.trail.refused(user, plan.id, 'locked', TARGET, { meetingId });
      return { kind: 'locked', plan };
    }
    const by = actor(user);
    const now = this.d.env.now();
    let frozen = record;
    if (versionMadeBy(plan, meetingId) === undefined) {
      const missing = missingForFinish(record.content);
      if (missing.length) return { kind: 'missing', plan, meeting, record, viewer, missing };
      // Freeze the content first (ETag) and make the version from that copy: a section saved while the version
      // is being made is refused on the card, instead of landing on the record and missing from the version.
      const check = { missing: [] as ReturnType<typeof missingForFinish> };
      const claimed = await this.d.records.update(user.tenantId, meetingId, (r) => {
        if (r.finished || r.finishing) return undefined;
        check.missing = missingForFinish(r.content);
        return check.missing.length ? undefined : { ...r, finishing: { by, at: now.toISOString() }, updatedAt: now.toISOString() };
      });
      frozen = claimed?.after ?? record;
      if (check.missing.length) return { kind: 'missing', plan, meeting, record: frozen, viewer, missing: check.missing };
    }
    const updated = await this.d.plans.update(user.tenantId, plan.id, (p) => planFinishedBy(p, frozen, by, now));
    const versionNumber = updated && versionMadeBy(updated, meetingId);
    if (!updated || versionNumber === undefined) {
      // No version (the plan was locked or closed meanwhile): unfreeze, or the record would refuse every save for good.
      await this.d.records.update(user.tenantId, meetingId, (r) => (r.finishing && !r.finished ? { ...r, finishing: undefined, updatedAt: now.toISOString() } : undefined));
      return { kind: 'denied' };
    }
    await this.d.finished.queue(user.tenantId, plan.id, versionNumber, by, meetingId);
    const marked = await this.d.records.update(user.tenantId, meetingId, (r) =>
      r.finished ? undefined : { ...r, finished: { versionNumber, by, at: now.toISOString() }, updatedAt: now.toISOString() },
    );
    const after = marked?.after ?? record;
    const first = marked !== undefined && marked.before !== marked.after;
    if (first) {
      await this.trail.changed(user, plan.id, 'meeting.changed', { meetingId, finished: true, version: versionNumber }, { key: [meetingId, 'finished'] });
      await this.d.cards.refresh(updated, meeting, after);
    }
    return { kind: 'ok', plan: updated, meeting, record: after, viewer: this.viewer(updated, meeting, after, user), notice: { code: first ? 'finished' : 'alreadyFinished' } };
  }

  /** Participants joined the Teams meeting: those who are contacts (by AAD object id) are marked present. */
  async joined(meeting: CoordinationMeeting, aadObjectIds: readonly string[]): Promise<void> {
    const plan = await this.d.plans.get(meeting.tenantId, meeting.planId);
    if (!plan || !canChange(plan)) return;
    const contactIds = plan.contacts.filter((c) => c.teamsUserId && aadObjectIds.includes(c.teamsUserId)).map((c) => c.id);
    if (contactIds.length === 0) return;
    await this.ensure(meeting, plan);
    const r = await this.d.records.update(meeting.tenantId, meeting.id, (rec) => markJoined(rec, contactIds, this.d.env.now()));
    if (r && r.before !== r.after) {
      await this.trail.changed({ tenantId: meeting.tenantId, userId: 'system:meetingEvents' }, plan.id, 'meeting.changed', { meetingId: meeting.id, joined: contactIds.length });
      await this.syncChecklist(meeting, r.after);
      await this.d.cards.refresh(plan, meeting, r.after);
    }
  }

  /** The Teams meeting ended: the card offers the leader and note-taker "Afslut og send planen". */
  async ended(meeting: CoordinationMeeting): Promise<void> {
    const plan = await this.d.plans.get(meeting.tenantId, meeting.planId);
    if (!plan) return;
    await this.ensure(meeting, plan);
    const r = await this.d.records.update(meeting.tenantId, meeting.id, (rec) => markEnded(rec, this.d.env.now()));
    if (r && r.before !== r.after) await this.d.cards.refresh(plan, meeting, r.after);
  }

  /** A card's data that did not parse: a refusal, audited under the plan of the meeting it names (when the meeting is the user's tenant's). */
  async refuseInvalid(user: UserIdentity, meetingId: string): Promise<void> {
    const meeting = await this.d.meetings.get(user.tenantId, meetingId);
    const plan = meeting && (await this.d.plans.get(user.tenantId, meeting.planId));
    await this.trail.refused(user, plan?.id ?? meetingId, !plan ? 'notFound' : isMember(plan, user.userId) ? 'invalidPayload' : 'notMember', TARGET, { meetingId: meetingId.slice(0, 64) });
  }

  /** The finished hook queued the distribution of the meeting's version: noted on the record, and "planSentToAll" ticks itself. */
  async distributionQueued(tenantId: string, meetingId: string): Promise<void> {
    const now = this.d.env.now().toISOString();
    const r = await this.d.records.update(tenantId, meetingId, (rec) => (rec.distributed ? undefined : { ...rec, distributed: { at: now }, updatedAt: now }));
    const meeting = await this.d.meetings.get(tenantId, meetingId);
    // Also when the record was already marked (syncChecklist reads it): a crash between the two writes is healed by the job's retry.
    const record = r?.after ?? (await this.d.records.get(tenantId, meetingId));
    if (meeting && record) await this.syncChecklist(meeting, record);
  }

  /** The checklist's during/after items tick themselves from the record (a write only when they change). */
  private async syncChecklist(meeting: CoordinationMeeting, record: MeetingRecord): Promise<void> {
    // The newest record, not this save's: a concurrent save of another section must not be unticked by a stale view.
    const latest = (await this.d.records.get(meeting.tenantId, meeting.id)) ?? record;
    await this.d.meetings.update(meeting.tenantId, meeting.id, (m) => withCapturedChecklist(m, latest, this.d.env.now()));
  }

  /** The meeting and its plan for this user; non-members get the restricted view (audited as a refused look). */
  private async load(user: UserIdentity, meetingId: string, intent: 'look' | 'change' = 'look'): Promise<Loaded | RecordOutcome> {
    // The record is read alongside the meeting (its id is the meeting's): one round trip less on every click.
    const [meeting, known] = await Promise.all([this.d.meetings.get(user.tenantId, meetingId), this.d.records.read(user.tenantId, meetingId)]);
    const plan = meeting && (await this.d.plans.get(user.tenantId, meeting.planId));
    if (!meeting || !plan) {
      await this.trail.refused(user, meeting?.planId ?? meetingId, 'notFound', TARGET);
      return { kind: 'denied' };
    }
    if (!isMember(plan, user.userId)) {
      // A look (a refresh by everyone in the chat) once per window; an attempted change always its own entry.
      if (intent === 'change') await this.trail.refused(user, plan.id, 'notMember', TARGET, { meetingId });
      else await this.trail.refusedRead(user, plan.id, 'notMember', TARGET);
      return { kind: 'restricted', reference: plan.reference, agenda: meeting.agenda, meetingId };
    }
    if (intent === 'change' && !canChange(plan)) {
      await this.trail.refused(user, plan.id, 'locked', TARGET, { meetingId });
      return { kind: 'locked', plan };
    }
    if (intent === 'change' && meeting.status === 'cancelled') {
      await this.trail.refused(user, plan.id, 'cancelled', TARGET, { meetingId });
      return { kind: 'denied' };
    }
    return { plan, meeting, known };
  }

  private viewer(plan: CarePlan, meeting: CoordinationMeeting, record: MeetingRecord, user: UserIdentity): Viewer {
    const contactId = plan.contacts.find((c) => c.teamsUserId === user.userId)?.id;
    const { leaderContactId, noteTakerContactId } = record.content.roles;
    const isLeader = leaderContactId ? leaderContactId === contactId : meeting.organiser.userId === user.userId;
    return { member: true, contactId, canFinish: isLeader || (!!noteTakerContactId && noteTakerContactId === contactId) };
  }
}

const actor = (user: UserIdentity): Actor => ({ userId: user.userId, name: user.name });
