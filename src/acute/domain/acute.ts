/**
 * The acute line's rules, free of Teams and Cosmos: housing units' acute
 * channels, urgent posts and their acknowledgements per unit, escalation when a
 * unit does not answer in time, and help requests that exactly one person owns.
 *
 * Privacy: a post holds the text the acute team wrote for the channel and at most
 * a plan's reference; never a citizen's name (the channel card shows what is here).
 */
import { z } from 'zod';
import { ACUTE_URGENCIES, type AcuteMessageStatus, type AcutePoster, type AcuteUrgency } from './ports';

/** Default minutes before an unanswered urgent post is escalated (a unit may set its own). */
export const DEFAULT_ESCALATION_MINUTES = 10;
export const LIMITS = { unitName: 80, text: 1_000, whatToDo: 500, need: 500, callBack: 40, tagName: 80, personName: 120, id: 200 } as const;

/** A plan's reference as people read it aloud: KIP-XXXX-XXXX. */
export const planReferenceSchema = z.string().trim().toUpperCase().regex(/^KIP-[0-9A-Z]{4}-[0-9A-Z]{4}$/, 'reference');

/** Where the bot posts into a unit's channel (the channel itself, never a thread). */
export interface ChannelAddress {
  conversationId: string;
  serviceUrl: string;
  /** The team's Entra group id (channelData.team.aadGroupId), when Teams said. */
  teamGroupId?: string;
  /** The team's Teams id (channelData.team.id, `19:…`), when Teams said: which team's owners manage the unit. */
  teamId?: string;
  botId?: string;
}

/** Someone @mentioned in a channel: a Teams tag (the unit's on-call tag) or a person. */
export interface Mentionable {
  id: string;
  name: string;
}

/** A housing unit's acute channel, registered by a team owner. */
export interface AcuteUnit {
  docType: 'unit';
  id: string;
  tenantId: string;
  name: string;
  channel: ChannelAddress;
  onCallTag?: Mentionable;
  /** A named person @mentioned on every post (with or instead of the tag), e.g. the unit's on-call phone holder. */
  onCallPerson?: Mentionable;
  manager?: Mentionable;
  escalationMinutes: number;
  registeredBy: string;
  registeredAt: string;
  /** The language the channel's cards are written in: the registering owner's. */
  locale?: string;
}

export interface Acknowledgement {
  byId: string;
  by: string;
  at: string;
  kind: 'taken' | 'seen';
}

/** One unit's side of a post. */
export interface UnitDelivery {
  unitId: string;
  unitName: string;
  acknowledgements: Acknowledgement[];
  /** When the escalation is due (urgent posts only). */
  escalateAt?: string;
  escalatedAt?: string;
}

/** An urgent (or informational) post to one or more units. */
export interface AcuteMessage {
  docType: 'message';
  id: string;
  tenantId: string;
  createdAt: string;
  /** Grows with every change: the version of every live card rendered from it. */
  revision: number;
  urgency: AcuteUrgency;
  text: string;
  whatToDo?: string;
  planReference?: string;
  /** Who posted: a nurse (their id; the name shows on their own status card only) or the phone line's system. */
  poster: AcutePoster;
  units: UnitDelivery[];
  /** The poster's language (their status card). */
  locale?: string;
}

/** A housing unit asks the acute team for help. */
export interface HelpRequest {
  docType: 'help';
  id: string;
  tenantId: string;
  unitId: string;
  unitName: string;
  need: string;
  urgency: AcuteUrgency;
  callBack: string;
  byId: string;
  by: string;
  createdAt: string;
  revision: number;
  takenBy?: { byId: string; by: string; at: string };
}

const text = (max: number) => z.string().trim().min(1, 'required').max(max, `max:${max}`);
const optionalText = (max: number) => z.string().trim().max(max, `max:${max}`).optional().transform((v) => v || undefined);
const idText = z.string().trim().max(LIMITS.id).regex(/^[^\s<>]*$/, 'id').optional().transform((v) => v || undefined);

/** The registration card's fields (the channel comes from Teams, not the card). */
export const registrationInputSchema = z
  .object({
    name: text(LIMITS.unitName),
    tagId: idText,
    tagName: optionalText(LIMITS.tagName),
    personId: idText,
    personName: optionalText(LIMITS.personName),
    managerId: idText,
    managerName: optionalText(LIMITS.personName),
    escalationMinutes: z.preprocess((v) => (v === '' || v === undefined ? String(DEFAULT_ESCALATION_MINUTES) : v), z.coerce.number({ invalid_type_error: 'minutes' }).int('minutes').min(1, 'minutes').max(240, 'minutes')),
  })
  .superRefine((v, ctx) => {
    if (!!v.tagId !== !!v.tagName) ctx.addIssue({ code: 'custom', path: [v.tagId ? 'tagName' : 'tagId'], message: 'pair' });
    if (!!v.personId !== !!v.personName) ctx.addIssue({ code: 'custom', path: [v.personId ? 'personName' : 'personId'], message: 'pair' });
    if (!!v.managerId !== !!v.managerName) ctx.addIssue({ code: 'custom', path: [v.managerId ? 'managerName' : 'managerId'], message: 'pair' });
  });
export type RegistrationInput = z.infer<typeof registrationInputSchema>;

/** The posting card's fields: `units` is a comma-separated choice ('all' for every unit). */
export const composeInputSchema = z.object({
  units: z.string().trim().min(1, 'chooseUnits').max(4_000).transform((v) => (v.split(',').includes('all') ? ('all' as const) : [...new Set(v.split(',').map((u) => u.trim()).filter(Boolean))])),
  text: text(LIMITS.text),
  urgency: z.enum(ACUTE_URGENCIES, { errorMap: () => ({ message: 'chooseUrgency' }) }),
  whatToDo: optionalText(LIMITS.whatToDo),
  planReference: z.preprocess((v) => (typeof v === 'string' && v.trim() === '' ? undefined : v), planReferenceSchema.optional()),
});
export type ComposeInput = z.infer<typeof composeInputSchema>;

/** The help request card's fields. */
export const helpInputSchema = z.object({
  need: text(LIMITS.need),
  urgency: z.enum(ACUTE_URGENCIES, { errorMap: () => ({ message: 'chooseUrgency' }) }),
  callBack: z.string().trim().min(1, 'required').max(LIMITS.callBack, `max:${LIMITS.callBack}`).regex(/^[0-9+() -]+$/, 'phone'),
});
export type HelpInput = z.infer<typeof helpInputSchema>;

/** The zod issues of a form as field → error code (the card shows them next to each field). */
export function fieldErrors(error: z.ZodError): Record<string, string> {
  const out: Record<string, string> = {};
  for (const issue of error.issues) {
    const key = String(issue.path[0] ?? '_form');
    out[key] ??= issue.message;
  }
  return out;
}

/** A new unit from a registration (the same channel registered again keeps its id). */
export function newUnit(id: string, tenantId: string, input: RegistrationInput, channel: ChannelAddress, by: string, at: Date): AcuteUnit {
  return {
    docType: 'unit', id, tenantId, name: input.name, channel,
    ...(input.tagId && input.tagName ? { onCallTag: { id: input.tagId, name: input.tagName } } : {}),
    ...(input.personId && input.personName ? { onCallPerson: { id: input.personId, name: input.personName } } : {}),
    ...(input.managerId && input.managerName ? { manager: { id: input.managerId, name: input.managerName } } : {}),
    escalationMinutes: input.escalationMinutes, registeredBy: by, registeredAt: at.toISOString(),
  };
}

/** A new post to the given units; urgent posts get each unit's escalation time. */
export function newMessage(id: string, tenantId: string, input: { text: string; urgency: AcuteUrgency; whatToDo?: string; planReference?: string }, poster: AcutePoster, units: readonly AcuteUnit[], at: Date): AcuteMessage {
  return {
    docType: 'message', id, tenantId, createdAt: at.toISOString(), revision: 1, urgency: input.urgency, text: input.text,
    ...(input.whatToDo ? { whatToDo: input.whatToDo } : {}),
    ...(input.planReference ? { planReference: input.planReference } : {}),
    poster,
    units: units.map((u) => ({
      unitId: u.id, unitName: u.name, acknowledgements: [],
      ...(input.urgency === 'urgent' ? { escalateAt: new Date(at.getTime() + u.escalationMinutes * 60_000).toISOString() } : {}),
    })),
  };
}

export type AcknowledgeResult = { kind: 'changed'; message: AcuteMessage } | { kind: 'unchanged'; message: AcuteMessage } | { kind: 'notFound' };

/** Records that `by` took or saw the post for a unit; a repeat (or "seen" after "taken") changes nothing. */
export function acknowledge(message: AcuteMessage, unitId: string, by: { id: string; name: string }, kind: Acknowledgement['kind'], at: Date): AcknowledgeResult {
  const unit = message.units.find((u) => u.unitId === unitId);
  if (!unit) return { kind: 'notFound' };
  const own = unit.acknowledgements.filter((a) => a.byId === by.id);
  if (own.some((a) => a.kind === kind || a.kind === 'taken')) return { kind: 'unchanged', message };
  const acknowledgements = [...unit.acknowledgements.filter((a) => a.byId !== by.id), { byId: by.id, by: by.name, at: at.toISOString(), kind }];
  return { kind: 'changed', message: { ...message, revision: message.revision + 1, units: message.units.map((u) => (u.unitId === unitId ? { ...u, acknowledgements } : u)) } };
}

/** Why a unit's escalation does nothing now, or undefined when it is due. */
export function escalationSkip(message: AcuteMessage | undefined, unitId: string, now: Date): 'gone' | 'notUrgent' | 'acknowledged' | 'done' | 'early' | undefined {
  const unit = message?.units.find((u) => u.unitId === unitId);
  if (!message || !unit) return 'gone';
  if (message.urgency !== 'urgent' || !unit.escalateAt) return 'notUrgent';
  if (unit.acknowledgements.length > 0) return 'acknowledged';
  if (unit.escalatedAt) return 'done';
  if (now.getTime() < Date.parse(unit.escalateAt)) return 'early';
  return undefined;
}

/** The post with the unit marked escalated. */
export function markEscalated(message: AcuteMessage, unitId: string, at: Date): AcuteMessage {
  return { ...message, revision: message.revision + 1, units: message.units.map((u) => (u.unitId === unitId ? { ...u, escalatedAt: at.toISOString() } : u)) };
}

export type TakeResult = { kind: 'taken'; request: HelpRequest } | { kind: 'alreadyTaken'; request: HelpRequest };

/** The first taker owns the request; later ones learn who has it. */
export function takeHelp(request: HelpRequest, by: { id: string; name: string }, at: Date): TakeResult {
  if (request.takenBy) return { kind: 'alreadyTaken', request };
  return { kind: 'taken', request: { ...request, revision: request.revision + 1, takenBy: { byId: by.id, by: by.name, at: at.toISOString() } } };
}

/** The post as the phone line's endpoint reports it. */
export function statusOf(message: AcuteMessage): AcuteMessageStatus {
  return {
    id: message.id,
    createdAt: message.createdAt,
    urgency: message.urgency,
    units: message.units.map((u) => ({
      unitId: u.unitId, unitName: u.unitName,
      acknowledgements: u.acknowledgements.map((a) => ({ by: a.by, at: a.at, kind: a.kind })),
      ...(u.escalatedAt ? { escalatedAt: u.escalatedAt } : {}),
    })),
  };
}

/** Whether the unit's channel is `here` or another channel of the same team: only that team's owners may remove it. */
export function inSameTeam(unit: AcuteUnit, here: Pick<ChannelAddress, 'conversationId' | 'teamGroupId' | 'teamId'>): boolean {
  if (unit.channel.conversationId === here.conversationId) return true;
  if (unit.channel.teamId && here.teamId) return unit.channel.teamId === here.teamId;
  return !!unit.channel.teamGroupId && unit.channel.teamGroupId === here.teamGroupId;
}

/** The conversation id of a channel: Teams' `19:…;messageid=…` of a thread, cut to the channel. */
export function channelConversationId(conversationId: string): string {
  const at = conversationId.indexOf(';messageid=');
  return at < 0 ? conversationId : conversationId.slice(0, at);
}
