/**
 * Keeping a plan current: every edit goes through the plan's ETag update
 * (PlanStore.update re-reads and re-applies on a conflict), so two editors at
 * once lose nothing. The trail gets each change once, each look at an edit
 * card once per window, and each refusal as a refusal – codes only.
 */
import { AuditTrail } from '../../platform/audit/auditTrail';
import type { Environment, UserIdentity } from '../../platform/identity';
import type { AuditLog } from '../../platform/ports';
import { CarePlan, PlanChange, isMember } from './carePlan';
import { Conflict, EditResult, FieldErrors, RawFields, addContact, editContact, editMasterData, removeContact } from './planEdits';
import type { PlanStore } from './ports';

export type EditOutcome =
  | { kind: 'saved'; plan: CarePlan; change: PlanChange; conflicts: Conflict[] }
  | { kind: 'unchanged'; plan: CarePlan; conflicts: Conflict[] }
  | { kind: 'invalid'; plan: CarePlan; errors: FieldErrors }
  | { kind: 'gone'; plan: CarePlan }
  | { kind: 'locked'; plan: CarePlan }
  | { kind: 'denied' };

export class PlanEditService {
  private readonly trail: AuditTrail;

  constructor(
    private readonly plans: PlanStore,
    audit: AuditLog,
    private readonly env: Environment,
  ) {
    this.trail = new AuditTrail(audit, env);
  }

  /** The plan for an edit card, if the user is in its network and `allowed` says they may edit it there (an audited read). */
  async forEdit(user: UserIdentity, planId: string, allowed: (plan: CarePlan) => boolean): Promise<{ kind: 'ok'; plan: CarePlan } | { kind: 'denied' }> {
    const plan = await this.plans.get(user.tenantId, planId);
    if (!plan || !isMember(plan, user.userId) || !allowed(plan)) {
      await this.trail.refused(user, planId, !plan ? 'notFound' : !isMember(plan, user.userId) ? 'notMember' : 'notOrganiser', TARGET);
      return { kind: 'denied' };
    }
    await this.trail.read(user, planId, 'plan.read', TARGET, { via: 'edit' });
    return { kind: 'ok', plan };
  }

  /** The organiser saves master data: only the fields they changed since the card was drawn. */
  saveMasterData(user: UserIdentity, planId: string, fields: RawFields, drawn: string | undefined): Promise<EditOutcome> {
    return this.edit(user, planId, (p) => editMasterData(p, actor(user), fields, drawn, this.env.now()));
  }

  /** The organiser adds a contact; the add card's form id makes a second click add nothing. */
  addContact(user: UserIdentity, planId: string, formId: string, fields: RawFields): Promise<EditOutcome> {
    const contactId = this.env.stableId('planContact', planId, formId);
    return this.edit(user, planId, (p) => addContact(p, actor(user), contactId, fields, this.env.now()));
  }

  /** The organiser changes a contact, or a contact corrects their own details. */
  saveContact(user: UserIdentity, planId: string, contactId: string, fields: RawFields, drawn: string | undefined): Promise<EditOutcome> {
    return this.edit(user, planId, (p) => editContact(p, actor(user), contactId, fields, drawn, this.env.now()));
  }

  /** The organiser removes a contact from the network. */
  removeContact(user: UserIdentity, planId: string, contactId: string): Promise<EditOutcome> {
    return this.edit(user, planId, (p) => removeContact(p, actor(user), contactId, this.env.now()));
  }

  private async edit(user: UserIdentity, planId: string, apply: (plan: CarePlan) => EditResult): Promise<EditOutcome> {
    // A holder, not a variable: the change runs again on every ETag conflict, and the last run is the one stored.
    const last: { result: EditResult } = { result: { kind: 'notAllowed', reason: 'notMember' } };
    const plan = await this.plans.update(user.tenantId, planId, (p) => {
      last.result = apply(p);
      return last.result.kind === 'changed' ? last.result.plan : undefined;
    });
    const r = last.result;
    if (!plan) {
      await this.trail.refused(user, planId, 'notFound', TARGET);
      return { kind: 'denied' };
    }
    switch (r.kind) {
      case 'notAllowed':
        await this.trail.refused(user, planId, r.reason, TARGET);
        return { kind: 'denied' };
      case 'locked':
        await this.trail.refused(user, planId, 'locked', TARGET);
        return { kind: 'locked', plan };
      case 'changed': {
        const { change } = r;
        await this.trail.changed(user, planId, 'plan.changed', {
          change: change.kind,
          ...(change.fields ? { fields: change.fields.join(',') } : {}),
          ...(change.contactId ? { contactId: change.contactId } : {}),
          ...(r.conflicts.length ? { conflicts: r.conflicts.length } : {}),
        });
        return { kind: 'saved', plan, change, conflicts: r.conflicts };
      }
      case 'invalid':
        // The form comes back with the plan's values around the errors: a look.
        await this.trail.read(user, planId, 'plan.read', TARGET, { via: 'edit' });
        return { kind: 'invalid', plan, errors: r.errors };
      // Nothing happened: nothing is written.
      case 'unchanged':
        return { kind: 'unchanged', plan, conflicts: r.conflicts };
      case 'gone':
        return { kind: 'gone', plan };
    }
  }
}

/** What the trail names the edit cards' looks and refusals by. */
const TARGET = 'planEdit';

const actor = (user: UserIdentity) => ({ userId: user.userId, name: user.name });
