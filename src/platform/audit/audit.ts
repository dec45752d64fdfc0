/**
 * The audit trail: who did what to which plan, when. Entries carry ids and
 * codes only, never names or free text, so the trail itself leaks nothing.
 *
 * What gets an entry (README, "Privacy"): a change that happened and was
 * allowed, once; a look at the plan or a meeting, once per actor and thing
 * per READ_WINDOW_MS; a refused attempt, as `access.denied` with a reason and
 * nothing else. Nothing is written for what did not happen.
 */
export const AUDIT_ACTIONS = [
  'guide.started',
  'guide.resumed',
  'guide.stepSaved',
  'guide.cancelled',
  'guide.consentRefused',
  'plan.created',
  'plan.read',
  'plan.linked',
  'plan.linkOffered',
  'plan.linkDeclined',
  'plan.unlinked',
  /** A member asked for the plan as a document: links made (to the member, and for the organiser to the citizen and contacts outside Teams). */
  'plan.documentLinked',
  /** The plan was downloaded as a document through a link (actor: the Teams user, or link:<contactId> / link:citizen). */
  'plan.documentRead',
  'plan.accessLogRead',
  /** The citizen withdrew consent, fully or one scope (details: scope, method, full, how many lost access). */
  'plan.consentWithdrawn',
  /** The organiser closed the plan (details: the reason's code). */
  'plan.closed',
  /** The plan's documents were erased after the retention period (the trail keeps ids and codes only). */
  'plan.erased',
  /** Master data or the network changed between meetings (details: change kind, field keys, contact id). */
  'plan.changed',
  /** A meeting's new version went out to the network (details: version, how many cards and documents). */
  'version.distributed',
  /** A version card (a contact's, or the coordinator's) was looked at. */
  'version.read',
  /** A contact approved their actions in a version. */
  'version.approved',
  /** A contact asked the coordinator for a change (the text stays on the plan's answers, never in the trail). */
  'version.changeRequested',
  /** The coordinator marked a document as sent by secure mail (details: version, recipient id). */
  'version.documentSent',
  /** "Markér som sendt" taken back by the coordinator. */
  'version.documentUnsent',
  /** The coordinator recorded the citizen's approval given after the meeting. */
  'version.citizenApproved',
  'access.denied',
  /** An authenticated request from a channel or tenant the bot does not serve, refused at the HTTP edge (partition edge:refusals). */
  'access.refused',
  /** The acute line's system posted through its endpoint (actor app:<client id>, partition acute:<message id>; a replayed key adds nothing). */
  'acuteApi.posted',
  /** The acute line's system read a post's acknowledgements through its endpoint. */
  'acuteApi.read',
  'meeting.scheduled',
  'meeting.read',
  'meeting.changed',
  'meeting.cancelled',
  'meeting.icsDownloaded',
  /** A leader linked a Teams meeting chat to the meeting ("tilknyt KIP-…" in the chat). */
  'meeting.chatLinked',
  'invitation.read',
  'invitation.answered',
  'invitation.manualSent',
  /** "Marked as sent" undone by the organiser. */
  'invitation.manualUnsent',
  /** The organiser recorded an answer given by phone or mail (the entry's actor is who recorded it). */
  'invitation.recorded',
  'contact.corrected',
  'checklist.updated',
  /** The acute line (src/acute; planId `acute:<unit, post or help request id>`): a channel registered or removed as a unit's acute channel. */
  'acute.unitRegistered',
  'acute.unitRemoved',
  /** A post to units' channels (details: urgency, units, whether it names a plan's reference). */
  'acute.posted',
  /** Someone took or saw a post for a unit (details: kind, unit). */
  'acute.acknowledged',
  /** A unit did not answer in time: re-posted with the manager's mention, the nurse told. */
  'acute.escalated',
  /** The status of a post was read (the phone line's endpoint, the units list). */
  'acute.read',
  'acute.helpAsked',
  'acute.helpTaken',
  /** Deviations (src/deviations): reported, looked at, acknowledged, escalated (actor system:escalation), the network told, closed. */
  'deviation.reported',
  'deviation.read',
  'deviation.acknowledged',
  'deviation.escalated',
  'deviation.networkInformed',
  'deviation.followUpCalled',
  'deviation.closed',
  /** An agreed action marked done from "mine opgaver". */
  'action.done',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

/** Looks: repeated within the window by the same actor at the same thing, they are one entry. */
export const READ_ACTIONS = ['guide.resumed', 'plan.read', 'plan.accessLogRead', 'version.read', 'meeting.read', 'meeting.icsDownloaded', 'invitation.read', 'deviation.read', 'acuteApi.read'] as const satisfies readonly AuditAction[];
export type ReadAction = (typeof READ_ACTIONS)[number];

/**
 * Why an attempt was refused. Foreign access (notFound, notMember, notOwner,
 * notInvited, notCoordinator) and card data that does not parse are always
 * recorded; so are refused changes (notOrganiser, locked, cancelled, stale).
 */
export const DENIAL_REASONS = [
  /** No such plan, guide or meeting in the user's tenant (to the user: the same answer as notMember). */
  'notFound',
  /** The plan exists, but the user is not in its network. */
  'notMember',
  /** Somebody else's guide. */
  'notOwner',
  /** Only the meeting's organiser may do this. */
  'notOrganiser',
  /** The invitation is for another contact. */
  'notInvited',
  /** Only the plan's coordinator may read its access log. */
  'notCoordinator',
  /** The plan is locked or closed, or the consent does not cover it. */
  'locked',
  /** The meeting was cancelled. */
  'cancelled',
  /** The card was older than what it refers to: nothing changed. */
  'stale',
  /** The card's data did not parse (forged, broken, or far over a limit). */
  'invalidPayload',
  /** An app's token lacks the app role the acute line's endpoint needs (src/acute/http). */
  'noRole',
  /** A user's delegated token where the acute line's endpoint takes only an app's (src/acute/http). */
  'notAppOnly',
  /** A document link that no longer holds: the plan closed or locked, a newer version, the recipient gone (src/plans/document). */
  'gone',
  /** A document link for a recipient the consent does not cover (src/plans/document). */
  'notCovered',
  /** Only the acute team may post to housing units' acute channels or take their help requests (src/acute). */
  'notAcuteTeam',
  /** Only a team's owners may register or remove its channels as acute channels. */
  'notTeamOwner',
  /** A private channel cannot be an acute channel (bots cannot post there). */
  'privateChannel',
] as const;
export type DenialReason = (typeof DENIAL_REASONS)[number];

/** One look is one entry: repeats within 15 minutes by the same actor at the same thing add nothing. */
export const READ_WINDOW_MS = 15 * 60_000;

/** Five years unless the data controller decides otherwise (AUDIT_RETENTION_DAYS; README, "Privacy"). */
export const DEFAULT_AUDIT_RETENTION_DAYS = 1826;

export interface AuditEntry {
  id: string;
  tenantId: string;
  /** The plan, or the guide draft that becomes the plan (same id). */
  planId: string;
  at: string;
  /** A Teams user's AAD object id, `system:reminder`, or `link:<organiser>` for a signed download link. */
  actorId: string;
  action: AuditAction;
  /** Codes and counts only. */
  details?: Record<string, string | number | boolean>;
}

/** Who acted: a Teams user, or the system on someone's behalf (`system:…`, `link:…`). */
export interface AuditActor {
  tenantId: string;
  userId: string;
}

/** Builds an audit entry. */
export function auditEntry(
  id: string,
  at: Date,
  who: AuditActor,
  planId: string,
  action: AuditAction,
  details?: AuditEntry['details'],
): AuditEntry {
  return { id, tenantId: who.tenantId, planId, at: at.toISOString(), actorId: who.userId, action, ...(details ? { details } : {}) };
}

/** The window a moment falls in (whole windows since the epoch). */
export function readWindowOf(at: Date, windowMs: number = READ_WINDOW_MS): number {
  return Math.floor(at.getTime() / windowMs);
}

/** Seconds an entry is kept (Cosmos `ttl`). */
export function retentionSeconds(days: number): number {
  return days * 86_400;
}
