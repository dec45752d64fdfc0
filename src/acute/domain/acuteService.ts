/**
 * The acute line's use cases: register and remove units' channels, post (the
 * personal-chat card and the phone line's endpoint both come here: AcutePosting),
 * acknowledge, escalate, ask for help and take a help request. Every change and
 * refusal is audited (planId `acute:<id>`, ids and codes only).
 */
import { AuditTrail } from '../../platform/audit/auditTrail';
import type { DenialReason } from '../../platform/audit/audit';
import type { Environment, UserIdentity } from '../../platform/identity';
import type { Logger } from '../../platform/logger';
import type { AuditLog } from '../../platform/ports';
import {
  acknowledge, escalationSkip, markEscalated, newMessage, newUnit, statusOf, takeHelp,
  type AcuteMessage, type AcuteUnit, type ChannelAddress, type HelpInput, type HelpRequest, type RegistrationInput, type TakeResult,
} from './acute';
import type { AcuteMessageStatus, AcutePostInput, AcutePoster, AcutePostResult, AcutePosting } from './ports';
import type { AcuteEscalations, AcuteNotifier, AcuteStore, AcuteTeam } from './stores';

export interface AcuteServiceDeps {
  store: AcuteStore;
  team: AcuteTeam;
  notifier: AcuteNotifier;
  escalations: AcuteEscalations;
  audit: AuditLog;
  env: Environment;
  logger: Logger;
}

/** Runs `write` again (up to three times) when its ETag loop gave up on a document many people change at once. */
async function withConflictRetries<T>(write: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await write();
    } catch (err) {
      if ((err as { code?: string }).code !== 'UPDATE_CONFLICT' || attempt >= 3) throw err;
    }
  }
}

const actorOf = (tenantId: string, by: AcutePoster) => ({ tenantId, userId: by.kind === 'user' ? by.userId : `system:${by.appId}` });

export class AcuteService implements AcutePosting {
  private readonly trail: AuditTrail;

  constructor(private readonly d: AcuteServiceDeps) {
    this.trail = new AuditTrail(d.audit, d.env);
  }

  /** The acute team's own channel (help requests go there), when configured. */
  get teamChannelId(): string | undefined {
    return this.d.team.channelId;
  }

  /** The unit id of a channel: one unit per channel, whoever registers it again. */
  unitIdOf(tenantId: string, channelId: string): string {
    return this.d.env.stableId('acute-unit', tenantId, channelId);
  }

  /** Registers (or re-registers) the channel as a unit's acute channel. */
  async register(user: UserIdentity, channel: ChannelAddress, input: RegistrationInput, locale: string): Promise<AcuteUnit> {
    const unit = { ...newUnit(this.unitIdOf(user.tenantId, channel.conversationId), user.tenantId, input, channel, user.userId, this.d.env.now()), locale };
    await this.d.store.putUnit(unit);
    await this.trail.changed(user, `acute:${unit.id}`, 'acute.unitRegistered', { escalationMinutes: unit.escalationMinutes, tag: !!unit.onCallTag, person: !!unit.onCallPerson, manager: !!unit.manager });
    this.d.logger.info('acute.unit.registered', { unitId: unit.id });
    return unit;
  }

  /** Removes a unit; false when there was none. */
  async remove(user: UserIdentity, unitId: string): Promise<boolean> {
    const unit = await this.d.store.getUnit(user.tenantId, unitId);
    if (!unit) return false;
    await this.d.store.removeUnit(user.tenantId, unitId);
    await this.trail.changed(user, `acute:${unitId}`, 'acute.unitRemoved');
    return true;
  }

  /** The tenant's units, by name. */
  units(tenantId: string): Promise<AcuteUnit[]> {
    return this.d.store.listUnits(tenantId);
  }

  unit(tenantId: string, unitId: string): Promise<AcuteUnit | undefined> {
    return this.d.store.getUnit(tenantId, unitId);
  }

  /** A refused attempt, on the trail of what it was aimed at. */
  async refuse(user: UserIdentity, reason: DenialReason, target: string): Promise<void> {
    await this.trail.refused(user, `acute:${target}`, reason, target);
    this.d.logger.info('acute.refused', { reason, target });
  }

  /** Whether an acute team is set up at all (else nobody may post or take help requests). */
  get teamConfigured(): boolean {
    return this.d.team.configured !== false;
  }

  /** Whether the user is on the acute team; a refusal is audited (access.denied, notAcuteTeam). */
  async mayAct(user: UserIdentity, channelUserId: string, serviceUrl: string, target: string): Promise<boolean> {
    if (this.teamConfigured && (await this.d.team.isMember(user.tenantId, { userId: user.userId, channelUserId }, serviceUrl))) return true;
    await this.refuse(user, 'notAcuteTeam', target);
    return false;
  }

  /** Posts once per (tenant, poster, key); a replay re-enqueues the same (idempotent) sends, so a crash between steps heals. */
  async post(tenantId: string, input: AcutePostInput, by: AcutePoster, idempotencyKey: string, locale = 'da'): Promise<AcutePostResult> {
    const all = await this.d.store.listUnits(tenantId);
    const byId = new Map(all.map((u) => [u.id, u]));
    if (input.units !== 'all') {
      const unknown = input.units.filter((id) => !byId.has(id));
      if (unknown.length) return { kind: 'unknownUnits', units: unknown };
    }
    const units = input.units === 'all' ? all : input.units.map((id) => byId.get(id)!);
    if (units.length === 0) return { kind: 'noUnits' };
    const posterKey = by.kind === 'user' ? `user:${by.userId}` : `system:${by.appId}`;
    const id = this.d.env.stableId('acute-message', tenantId, posterKey, idempotencyKey);
    const fresh = { ...newMessage(id, tenantId, input, by, units, this.d.env.now()), locale };
    const created = (await this.d.store.createMessage(fresh)) === 'created';
    const message = created ? fresh : await this.d.store.getMessage(tenantId, id);
    if (!message) throw new Error('acute message vanished');
    const sentTo = message.units.map((u) => byId.get(u.unitId)).filter((u): u is AcuteUnit => !!u);
    await this.d.notifier.posted(message, sentTo);
    await this.d.escalations.schedule(message);
    await this.trail.changed(actorOf(tenantId, by), `acute:${id}`, 'acute.posted', { urgency: message.urgency, units: message.units.length, reference: !!message.planReference }, { key: [id], at: message.createdAt });
    this.d.logger.info('acute.posted', { messageId: id, created, units: message.units.length, urgency: message.urgency });
    return { kind: 'accepted', id, created };
  }

  /** Who acknowledged the post, per unit; undefined when the tenant has no such post. */
  async status(tenantId: string, id: string, reader?: { tenantId: string; userId: string }): Promise<AcuteMessageStatus | undefined> {
    const message = await this.d.store.getMessage(tenantId, id);
    if (message && reader) await this.trail.changed(reader, `acute:${id}`, 'acute.read');
    return message && statusOf(message);
  }

  /** The stored post (no audit: the caller renders it for someone who may see it). */
  message(tenantId: string, id: string): Promise<AcuteMessage | undefined> {
    return this.d.store.getMessage(tenantId, id);
  }

  /** Someone in a unit's channel took or saw the post; every live card follows. */
  async acknowledge(user: UserIdentity, messageId: string, unitId: string, kind: 'taken' | 'seen'): Promise<AcuteMessage | undefined> {
    let outcome: 'changed' | 'unchanged' | 'notFound' = 'notFound';
    // Everyone on a night shift may press at once, and each press is a write: ride out a long run of 412s.
    const result = await withConflictRetries(() => this.d.store.updateMessage(user.tenantId, messageId, (m) => {
      const r = acknowledge(m, unitId, { id: user.userId, name: user.name }, kind, this.d.env.now());
      outcome = r.kind;
      return r.kind === 'changed' ? r.message : undefined;
    }));
    if (!result || outcome === 'notFound') return undefined;
    if (outcome === 'changed') {
      await this.trail.changed(user, `acute:${messageId}`, 'acute.acknowledged', { kind, unit: unitId });
      const unit = await this.d.store.getUnit(user.tenantId, unitId);
      if (unit) await this.d.notifier.changed(result.after, [unit]);
    }
    return result.after;
  }

  /** Escalates one unit of a post if it is due and unanswered; exactly once (ETag), whichever instance runs it. */
  async escalate(tenantId: string, messageId: string, unitId: string, now: Date): Promise<string | undefined> {
    let skip = escalationSkip(await this.d.store.getMessage(tenantId, messageId), unitId, now);
    // An escalation already claimed but not finished (a crash between): finish it, the sends are idempotent.
    const claimed = skip === 'done';
    if (skip && !claimed) return skip;
    const result = claimed
      ? undefined
      : await this.d.store.updateMessage(tenantId, messageId, (m) => {
          skip = escalationSkip(m, unitId, now);
          return skip ? undefined : markEscalated(m, unitId, now);
        });
    if (!claimed && (skip || !result)) return skip ?? 'gone';
    const message = result?.after ?? (await this.d.store.getMessage(tenantId, messageId));
    const unit = await this.d.store.getUnit(tenantId, unitId);
    if (!message || !unit) return 'gone';
    await this.d.notifier.escalated(message, unit);
    await this.d.notifier.changed(message, [unit], { escalationPosts: false });
    await this.trail.changed({ tenantId, userId: 'system:escalation' }, `acute:${messageId}`, 'acute.escalated', { unit: unitId, manager: !!unit.manager }, { key: [messageId, unitId], at: message.units.find((u) => u.unitId === unitId)?.escalatedAt });
    this.d.logger.info('acute.escalated', { messageId, unitId });
    return undefined;
  }

  /** A unit's help request to the acute team's channel; `formId` makes a double submit one request. */
  async askHelp(user: UserIdentity, unitId: string, input: HelpInput, formId: string): Promise<{ kind: 'asked'; request: HelpRequest } | { kind: 'noUnit' } | { kind: 'noTeamChannel' }> {
    const teamChannel = this.d.team.channelId;
    if (!teamChannel) return { kind: 'noTeamChannel' };
    const unit = await this.d.store.getUnit(user.tenantId, unitId);
    if (!unit) return { kind: 'noUnit' };
    const id = this.d.env.stableId('acute-help', user.tenantId, unitId, formId);
    const fresh: HelpRequest = {
      docType: 'help', id, tenantId: user.tenantId, unitId, unitName: unit.name, ...input,
      byId: user.userId, by: user.name, createdAt: this.d.env.now().toISOString(), revision: 1,
    };
    const created = (await this.d.store.createHelp(fresh)) === 'created';
    const request = created ? fresh : ((await this.d.store.getHelp(user.tenantId, id)) ?? fresh);
    await this.d.notifier.helpAsked(request, unit, teamChannel);
    await this.trail.changed(user, `acute:${id}`, 'acute.helpAsked', { urgency: request.urgency, unit: unitId }, { key: [id], at: request.createdAt });
    return { kind: 'asked', request };
  }

  /** The first taker owns the request (ETag); others learn who. Undefined for no such request. */
  async takeHelp(user: UserIdentity, helpId: string): Promise<TakeResult | undefined> {
    let outcome: TakeResult | undefined;
    const result = await this.d.store.updateHelp(user.tenantId, helpId, (r) => {
      outcome = takeHelp(r, { id: user.userId, name: user.name }, this.d.env.now());
      return outcome.kind === 'taken' ? outcome.request : undefined;
    });
    if (!result || !outcome) return undefined;
    if (outcome.kind === 'taken') {
      await this.trail.changed(user, `acute:${helpId}`, 'acute.helpTaken', { unit: result.after.unitId });
      const unit = await this.d.store.getUnit(user.tenantId, result.after.unitId);
      if (unit && this.d.team.channelId) await this.d.notifier.helpChanged(result.after, unit, this.d.team.channelId);
      return { kind: 'taken', request: result.after };
    }
    return { kind: 'alreadyTaken', request: result.after };
  }

  help(tenantId: string, id: string): Promise<HelpRequest | undefined> {
    return this.d.store.getHelp(tenantId, id);
  }
}
