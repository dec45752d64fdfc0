/** A plan with agreements (actions, warning signs, coordinators) and a second contact in Teams, for the deviation tests. */
import type { CarePlan } from '../../../src/plans/domain/carePlan';
import type { PlanAgreements } from '../../../src/plans/domain/agreements';
import type { UserIdentity } from '../../../src/platform/identity';
import { OWNER, T0, TENANT, samplePlan, uuidOf } from '../fixtures';

/** Anne (municipality) in Teams: responsible for the actions. */
export const ANNE: UserIdentity = { tenantId: TENANT, userId: 'aad-anne', name: 'Anne Jensen' };
/** Bo (municipal social psychiatry) in Teams: the second coordinator when asked for. */
export const BO: UserIdentity = { tenantId: TENANT, userId: 'aad-bo', name: 'Bo Madsen' };
export const BO_CONTACT_ID = uuidOf(7201);
export const ACTION_ID = uuidOf(7001);
export const LATER_ACTION_ID = uuidOf(7002);
export const SIGN_ID = uuidOf(7101);

/** The sample plan, Anne linked, with two actions for her, a warning sign and the owner as coordinator (`second`: Bo joins as second coordinator). */
export function planWithAgreements(options: { second?: boolean } = {}): CarePlan {
  const plan = samplePlan();
  const owner = plan.contacts.find((c) => c.teamsUserId === OWNER.userId)!;
  const bo = { id: BO_CONTACT_ID, name: BO.name, role: 'Koordinator', organisation: 'Socialpsykiatrien', sector: 'municipality' as const, phone: '+45 87 65 43 21', teamsUserId: BO.userId };
  const contacts = [...plan.contacts.map((c) => (c.teamsUserId ? c : { ...c, teamsUserId: ANNE.userId })), ...(options.second ? [bo] : [])];
  const anne = contacts.find((c) => c.teamsUserId === ANNE.userId)!;
  const agreements: PlanAgreements = {
    priorityAreas: ['Bolig'],
    actions: [
      { id: LATER_ACTION_ID, what: 'Ansøgning om bostøtte', responsibleContactId: anne.id, deadline: '2026-04-20', status: 'open', agreedInVersion: 1 },
      { id: ACTION_ID, what: 'Følge Jens til **lægen**', responsibleContactId: anne.id, deadline: '2026-03-20', serves: 'Bolig', status: 'open', agreedInVersion: 1 },
    ],
    warningSigns: [{ id: SIGN_ID, sign: 'Sover ikke om natten', response: 'Ring til bostedet' }],
    coordinator: { contactId: owner.id, since: T0 },
    ...(options.second ? { secondCoordinator: { contactId: BO_CONTACT_ID, since: T0 } } : {}),
  };
  const memberIds = [...new Set([...plan.memberIds, ANNE.userId, ...(options.second ? [BO.userId] : [])])];
  return { ...plan, contacts, memberIds, agreements };
}
