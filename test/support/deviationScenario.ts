/**
 * A plan for the deviation tests and bench, through the real bot: Nina's guide
 * with Ole in the network (linked by e-mail), then the agreements written
 * through the plans repository (the meeting capture, built in parallel, will
 * write them from the meeting): one action for Ole and one warning sign.
 */
import type { PlanAgreements } from '../../src/plans/domain/agreements';
import { CosmosPlanStore } from '../../src/plans/storage/planRepository';
import { uuidOf } from '../unit/fixtures';
import { NINA, OLE, TENANT, TestBot, walkGuide } from './testBot';

export const OLE_ACTION = uuidOf(0xa1);
export const inDays = (n: number): string => new Date(Date.now() + n * 86_400_000).toISOString().slice(0, 10);

/** Nina's plan with Ole responsible for "Følge Jens til lægen"; resolves with the plan's id. */
export async function planWithOleAction(bot: TestBot): Promise<string> {
  bot.connector.members.set(`29:${OLE.aadObjectId}`, { id: `29:${OLE.aadObjectId}`, name: OLE.name, aadObjectId: OLE.aadObjectId, email: 'ole@slagelse.example', userPrincipalName: 'ole@slagelse.example' });
  await walkGuide(bot, NINA, {
    consent: { status: 'given', method: 'written', obtainedOn: new Date().toISOString().slice(0, 10), yourRole: 'Sygeplejerske', yourOrganisation: 'Psykiatrien Vest', yourSector: 'regionPsychiatry', covers: 'shareWithNetwork,coordinationMeetings' },
    citizen: { name: 'Jens Ærø Jensen', dateOfBirth: '1990-04-12', address: '', housingUnit: '', preferredLanguage: 'da', dreams: 'At bo selv', wishes: '', needs: '' },
    contacts: [{ name: 'Ole Bostøtte', role: 'Kontaktperson', organisation: 'Slagelse Kommune', sector: 'municipality', email: 'ole@slagelse.example' }],
  });
  await bot.joinNetwork(OLE);
  const plans = new CosmosPlanStore(bot.bot!.store.containers.plans!);
  const [mine] = await plans.listForMember(TENANT, NINA.aadObjectId, { limit: 1, created: true });
  const planId = mine!.id;
  await plans.update(TENANT, planId, (p) => {
    const ole = p.contacts.find((c) => c.teamsUserId === OLE.aadObjectId)!;
    const agreements: PlanAgreements = {
      priorityAreas: ['Bolig'],
      actions: [{ id: OLE_ACTION, what: 'Følge Jens til lægen', responsibleContactId: ole.id, deadline: inDays(2), status: 'open', agreedInVersion: 1 }],
      warningSigns: [{ id: uuidOf(0xc1), sign: 'Sover ikke', response: 'Ring til bostedet' }],
    };
    return { ...p, agreements };
  });
  return planId;
}
