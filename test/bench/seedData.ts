/**
 * The large data set for "mine planer" at scale: `tenants` tenants with
 * `plansPerTenant` plans each, and in every tenant `usersPerTenant` bench users
 * who are each in `ownPerUser` of those plans, spread over the tenant's
 * history (so the newest ten must be found, not just taken). Deterministic,
 * so the parent (who asks) and the bot's process (who stores) agree on ids.
 */
import type { CarePlan, Contact } from '../../src/plans/domain/carePlan';
import { samplePlan } from '../unit/fixtures';
import type { TestUser } from '../support/testBot';

export interface SeedRequest {
  tenants: number;
  plansPerTenant: number;
  usersPerTenant: number;
  ownPerUser: number;
  /** Bench users' ids start with this (so the store can tell them from the others). */
  userPrefix: string;
}

const hex = (n: number) => n.toString(16).padStart(12, '0');

/** The bench's tenant number `t`. */
export const benchTenant = (t: number): string => `72f988bf-0000-4000-8000-${hex(0xb000 + t)}`;

/** Bench user `u` of tenant `t`. */
export function benchUser(seed: SeedRequest, t: number, u: number): TestUser {
  return { aadObjectId: `${seed.userPrefix}${hex(t * 1000 + u).slice(4)}`, name: `Bench ${t}-${u}`, tenantId: benchTenant(t) };
}

/** Every bench user, tenant by tenant. */
export function benchUsers(seed: SeedRequest): TestUser[] {
  return Array.from({ length: seed.tenants * seed.usersPerTenant }, (_, i) => benchUser(seed, Math.floor(i / seed.usersPerTenant), i % seed.usersPerTenant));
}

let template: CarePlan | undefined;
/** A realistic plan: the sample plan's citizen and consent, with a network of eight. */
function planTemplate(): CarePlan {
  if (template) return template;
  const base = samplePlan();
  const contacts: Contact[] = [
    ...base.contacts,
    ...Array.from({ length: 6 }, (_, i): Contact => ({
      id: `00000000-0000-4000-8000-${hex(0xc000 + i)}`,
      name: `Kontakt ${i} Østergård`,
      role: 'Socialpædagogisk støtte',
      organisation: 'Slagelse Kommune, Socialpsykiatrien',
      sector: i % 2 ? 'municipality' : 'regionPsychiatry',
      email: `kontakt${i}@kommune.example`,
      phone: '+45 58 57 36 00',
      teamsUserId: `00000000-0000-4000-8000-${hex(0xd000 + i)}`,
    })),
  ];
  template = { ...base, contacts };
  return template;
}

/** Plan `j` of tenant `t`: a bench user's when `j` is one of that user's positions, otherwise somebody else's. */
export function benchPlan(seed: SeedRequest, t: number, j: number): CarePlan {
  const base = planTemplate();
  const spacing = seed.plansPerTenant / seed.ownPerUser;
  const k = Math.floor(j / spacing);
  const u = j - Math.floor((k + 0.5) * spacing);
  const owner = k < seed.ownPerUser && u >= 0 && u < seed.usersPerTenant ? benchUser(seed, t, u).aadObjectId : undefined;
  const createdAt = new Date(Date.UTC(2025, 0, 1) + j * 3_600_000).toISOString();
  return {
    ...base,
    id: `00000000-0000-4000-8000-${hex(t * 100_000 + j)}`,
    tenantId: benchTenant(t),
    reference: `KIP-${String(t).padStart(4, '0')}-${String(j).padStart(4, '0')}`,
    memberIds: [owner ?? `someone-${t}-${j % 97}`, ...base.contacts.slice(2).map((c) => c.teamsUserId!)],
    createdAt,
    updatedAt: createdAt,
  };
}
