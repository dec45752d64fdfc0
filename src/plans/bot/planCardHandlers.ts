/**
 * "vis plan" and the plan card's buttons (verb "planCard"): the whole plan, and
 * the cards that keep it current. Thin: the services decide and audit, the
 * views draw; this file only picks the card that answers.
 */
import { z } from 'zod';
import { inlineText } from '../../platform/cards/markdown';
import type { AdaptiveCardJson } from '../../platform/cards/render';
import { noticeCard } from '../../platform/cards/views';
import type { Turn } from '../../platform/bot/turn';
import { format } from '../../platform/i18n';
import type { Logger } from '../../platform/logger';
import type { CarePlan } from '../domain/carePlan';
import type { EditOutcome, PlanEditService } from '../domain/planEditService';
import { CONTACT_KEYS, MASTER_DATA_KEYS, RawFields, canEditPlan, editableContactKeys } from '../domain/planEdits';
import type { PlanService } from '../domain/planService';
import type { PlanSection } from './cardModels';
import { fieldName, planCard, planPickCard } from './planCardViews';
import { contactEditCard, masterDataEditCard, networkCard } from './planEditViews';
import type { PlanHandlers } from './planHandlers';
import { PlanCardPayload, planCardPayloadSchema, planReferenceSchema } from './planPayloads';

const pick = (p: Record<string, unknown>, keys: readonly string[]): RawFields =>
  Object.fromEntries(keys.map((k) => [k, typeof p[k] === 'string' ? (p[k] as string) : undefined]));

export class PlanCardHandlers {
  constructor(
    private readonly plans: PlanService,
    private readonly edits: PlanEditService,
    private readonly lists: PlanHandlers,
    private readonly env: { now(): Date; newId(): string },
    private readonly log: Logger,
  ) {}

  /** "vis plan": the one plan, a choice between several, or the plan a reference names. */
  async show(turn: Turn, argument?: string): Promise<AdaptiveCardJson> {
    const { t } = turn.loc;
    if (argument) {
      const reference = planReferenceSchema.safeParse(argument);
      const view = reference.success ? await this.plans.viewByReference(turn.user, reference.data) : ({ kind: 'denied' } as const);
      // A reference that does not parse, does not exist or is somebody else's: the same answer.
      if (view.kind !== 'ok') return noticeCard(format(t.planCard.noSuchPlan, { reference: inlineText(argument.toUpperCase().slice(0, 20)) }), 'Attention');
      return this.card(turn, view.plan);
    }
    const { plans, more } = await this.lists.listed(turn);
    if (plans.length === 0) return noticeCard(t.notices.noPlans);
    if (plans.length > 1) return planPickCard(plans, more, turn.loc);
    const view = await this.plans.view(turn.user, plans[0]!.id, 'card');
    return view.kind === 'ok' ? this.card(turn, view.plan) : noticeCard(t.notices.denied, 'Attention');
  }

  /** A button on the plan card or one of its edit cards. */
  async act(turn: Turn, data: unknown): Promise<AdaptiveCardJson> {
    const { t } = turn.loc;
    const parsed = planCardPayloadSchema.safeParse(data);
    if (!parsed.success) {
      this.log.warn('card.payload.invalid', { verb: 'planCard', issues: parsed.error.issues.length });
      // Forged or broken: one refusal, filed under the plan it names (never a look).
      const named = z.object({ planId: z.string().uuid() }).safeParse(data);
      if (named.success) await this.plans.refuseInvalidPayload(turn.user, named.data.planId);
      return noticeCard(t.notices.invalidPayload, 'Attention');
    }
    const p = parsed.data;
    this.log.info('plan.card.action', { action: p.action });
    const user = turn.user;
    const now = this.env.now();
    const organiser = (plan: CarePlan) => canEditPlan(plan, user.userId);
    switch (p.action) {
      case 'show': {
        const view = await this.plans.view(user, p.planId, 'card');
        return view.kind === 'ok' ? this.card(turn, view.plan) : this.denied(turn);
      }
      case 'editMasterData': {
        const r = await this.edits.forEdit(user, p.planId, organiser);
        return r.kind === 'ok' ? masterDataEditCard(r.plan, turn.loc, { now }) : this.denied(turn);
      }
      case 'network': {
        const r = await this.edits.forEdit(user, p.planId, organiser);
        return r.kind === 'ok' ? networkCard(r.plan, user.userId, turn.loc) : this.denied(turn);
      }
      case 'newContact': {
        const r = await this.edits.forEdit(user, p.planId, organiser);
        return r.kind === 'ok' ? contactEditCard(r.plan, undefined, user.userId, turn.loc, { now, formId: this.env.newId() }) : this.denied(turn);
      }
      case 'editContact': {
        const mayEdit = (plan: CarePlan) => {
          const contact = plan.contacts.find((c) => c.id === p.contactId);
          return organiser(plan) || (!!contact && editableContactKeys(plan, contact, user.userId).length > 0);
        };
        const r = await this.edits.forEdit(user, p.planId, mayEdit);
        if (r.kind !== 'ok') return this.denied(turn);
        const contact = r.plan.contacts.find((c) => c.id === p.contactId);
        if (!contact) return networkCard(r.plan, user.userId, turn.loc, t.planCard.contactGone, 'Attention');
        return contactEditCard(r.plan, contact, user.userId, turn.loc, { now });
      }
      case 'saveMasterData':
        return this.afterSave(turn, p, await this.edits.saveMasterData(user, p.planId, pick(p, MASTER_DATA_KEYS), p.drawn));
      case 'addContact':
        return this.afterSave(turn, p, await this.edits.addContact(user, p.planId, p.formId, pick(p, CONTACT_KEYS)));
      case 'saveContact':
        return this.afterSave(turn, p, await this.edits.saveContact(user, p.planId, p.contactId, pick(p, CONTACT_KEYS), p.drawn));
      case 'removeContact':
        return this.afterSave(turn, p, await this.edits.removeContact(user, p.planId, p.contactId));
    }
  }

  /** The answer to a save: where the user goes next, what was saved, or the form again with what needs fixing. */
  private async afterSave(turn: Turn, p: PlanCardPayload, r: EditOutcome): Promise<AdaptiveCardJson> {
    const { t } = turn.loc;
    const loc = turn.loc;
    const now = this.env.now();
    const viewer = turn.user.userId;
    if (r.kind === 'denied') return this.denied(turn);
    if (r.kind === 'locked') return noticeCard(t.planCard.locked, 'Attention');
    const plan = r.plan;
    const isMasterData = p.action === 'saveMasterData';
    const contactId = 'contactId' in p ? p.contactId : undefined;
    const contact = contactId ? plan.contacts.find((c) => c.id === contactId) : undefined;
    // Back where the user came from: the plan for master data and one's own details, the network card for the organiser.
    const back = (notice: string, color: 'Good' | 'Attention' = 'Good') =>
      !isMasterData && canEditPlan(plan, viewer) ? networkCard(plan, viewer, loc, notice, color) : this.card(turn, plan, notice, color);
    switch (r.kind) {
      case 'gone':
        return back(t.planCard.contactGone, 'Attention');
      case 'invalid': {
        const fields = pick(p as Record<string, unknown>, isMasterData ? MASTER_DATA_KEYS : CONTACT_KEYS);
        const drawn = 'drawn' in p ? p.drawn : undefined;
        if (isMasterData) return masterDataEditCard(plan, loc, { now, fields, errors: r.errors, drawn });
        return contactEditCard(plan, contact, viewer, loc, { now, fields, errors: r.errors, drawn, formId: 'formId' in p ? p.formId : undefined });
      }
      case 'saved':
      case 'unchanged': {
        if (r.conflicts.length > 0) {
          // The fields somebody else changed meanwhile: the user's text stays in them, drawn afresh, so saving again uses it.
          const typed = pick(p as Record<string, unknown>, r.conflicts.map((c) => c.field));
          const opts = { now, fields: typed, conflicts: r.conflicts, notice: t.planCard.conflictNotice };
          return isMasterData ? masterDataEditCard(plan, loc, opts) : contactEditCard(plan, contact, viewer, loc, opts);
        }
        if (r.kind === 'unchanged') return back(t.planCard.unchanged);
        const change = r.change;
        const name = inlineText(change.contactName ?? '');
        if (change.kind === 'contactAdded') return back(format(t.planCard.added, { name }));
        if (change.kind === 'contactRemoved') return back(format(t.planCard.removed, { name }));
        const of = change.kind === 'masterData' ? 'citizen' : 'contact';
        return back(format(t.planCard.saved, { fields: (change.fields ?? []).map((f) => fieldName(f, loc, of)).join(', ') }));
      }
    }
  }

  /** The plan card with the sections other capabilities contribute. */
  async card(turn: Turn, plan: CarePlan, notice = '', noticeColor: 'Good' | 'Attention' = 'Good'): Promise<AdaptiveCardJson> {
    const contributed = await Promise.all(this.lists.hooks.sections.map((section) => section(plan, turn.loc, turn.user.userId)));
    return planCard(plan, turn.loc, turn.user.userId, { notice, noticeColor, contributed: contributed.filter((s): s is PlanSection => !!s) });
  }

  private denied(turn: Turn): AdaptiveCardJson {
    return noticeCard(turn.loc.t.notices.denied, 'Attention');
  }
}
