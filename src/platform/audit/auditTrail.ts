/**
 * Writes the audit trail the way the README promises, in one place: a change
 * once, a look once per window, a refusal as a refusal. Services call it
 * after the outcome is known, never before.
 */
import { randomUUID } from 'node:crypto';
import { stableUuid } from '../environment';
import type { AuditLog } from '../ports';
import { AuditAction, AuditActor, AuditEntry, DenialReason, READ_WINDOW_MS, ReadAction, auditEntry, readWindowOf } from './audit';

/**
 * Looks this process has seen recorded, per audit log: entry id → when the
 * recorded look was made (ms). A look within a window of a remembered one is
 * already covered – exactly what the two point reads would find, since
 * entries are never removed before their retention – so a repeated look costs
 * no Cosmos request at all. Shared by every trail over the same log (each
 * service makes its own trail); bounded, the oldest forgotten first.
 */
const recordedLooks = new WeakMap<AuditLog, Map<string, number>>();
/** Looks remembered per log at most: ~100 bytes each, so a few MB. */
const MAX_REMEMBERED_LOOKS = 20_000;

function looksOf(log: AuditLog): Map<string, number> {
  let looks = recordedLooks.get(log);
  if (!looks) recordedLooks.set(log, (looks = new Map()));
  return looks;
}

/** The clock and ids the trail needs (the services' Environment fits). */
export interface AuditClock {
  now(): Date;
  newId(): string;
}

const systemClock: AuditClock = { now: () => new Date(), newId: randomUUID };

type Details = AuditEntry['details'];

export class AuditTrail {
  constructor(
    private readonly log: AuditLog,
    private readonly clock: AuditClock = systemClock,
    private readonly windowMs: number = READ_WINDOW_MS,
  ) {}

  /**
   * A change that happened and was allowed. With `key` (what identifies this
   * change, e.g. the meeting and its new sequence) the entry id is derived
   * from it, so a replayed click or a retry after a crash records it once;
   * `at` is then when the change happened.
   */
  async changed(who: AuditActor, planId: string, action: Exclude<AuditAction, ReadAction | 'access.denied' | 'access.refused'>, details?: Details, once?: { key: string[]; at?: string }): Promise<void> {
    const id = once ? stableUuid('audit', who.tenantId, planId, action, ...once.key) : this.clock.newId();
    const at = once?.at ? new Date(once.at) : this.clock.now();
    await this.log.record([auditEntry(id, at, who, planId, action, details)]);
  }

  /**
   * A look at `target` (the plan, a meeting card, an invitation card, a
   * download): one entry per actor and target per window, however often
   * Teams refreshes the card. The id is derived from the window, so bot
   * instances agree without talking; a look just after a window boundary is
   * still folded into an entry made less than a window ago.
   */
  async read(who: AuditActor, planId: string, action: ReadAction, target: string, details?: Details): Promise<void> {
    await this.once(who, planId, action, target, details);
  }

  /** A refused attempt (a change, or a request for data that is not the user's): always its own entry. */
  async refused(who: AuditActor, planId: string, reason: DenialReason, target: string, details?: Details): Promise<void> {
    await this.log.record([auditEntry(this.clock.newId(), this.clock.now(), who, planId, 'access.denied', { reason, target, ...details })]);
  }

  /** A refused look (e.g. a card refresh for somebody it is not meant for): once per window, like a look. */
  async refusedRead(who: AuditActor, planId: string, reason: DenialReason, target: string): Promise<void> {
    await this.once(who, planId, 'access.denied', `${reason}:${target}`, { reason, target });
  }

  private async once(who: AuditActor, planId: string, action: AuditAction, target: string, details: Details): Promise<void> {
    const now = this.clock.now();
    const window = readWindowOf(now, this.windowMs);
    const idOf = (w: number) => stableUuid('audit', who.tenantId, planId, who.userId, action, target, String(w));
    const lookKey = `${who.tenantId}|${planId}|${who.userId}|${action}|${target}`;
    const looks = looksOf(this.log);
    const seenAt = looks.get(lookKey);
    // Recorded (by this process, or found recorded) less than a window ago: covered, as the reads below would say.
    if (seenAt !== undefined && now.getTime() - seenAt < this.windowMs && now.getTime() >= seenAt) return;
    const remember = (at: number) => {
      looks.delete(lookKey);
      if (looks.size >= MAX_REMEMBERED_LOOKS) looks.delete(looks.keys().next().value!);
      looks.set(lookKey, at);
    };
    // A refresh storm finds this window's entry with one point read (1 RU), never a failed create per view.
    const current = await this.log.get(who.tenantId, planId, idOf(window));
    if (current) return remember(new Date(current.at).getTime());
    // Fixed windows would split one look that straddles a boundary in two: the previous window's entry covers it while it is recent.
    const previous = await this.log.get(who.tenantId, planId, idOf(window - 1));
    if (previous && now.getTime() - new Date(previous.at).getTime() < this.windowMs) return remember(new Date(previous.at).getTime());
    // Create-once: another instance that saw the same look at the same moment makes this a 409, i.e. already recorded.
    await this.log.record([auditEntry(idOf(window), now, who, planId, action, details)]);
    remember(now.getTime());
  }
}
