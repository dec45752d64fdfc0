/**
 * The acute line's posting service as the rest of the app sees it: the
 * personal-chat card and the phone line's HTTP endpoint both post through it.
 * Contract shared by src/acute (the service) and src/acute/http (the endpoint).
 */

export const ACUTE_URGENCIES = ['urgent', 'info'] as const;
export type AcuteUrgency = (typeof ACUTE_URGENCIES)[number];

/** What a post says and where it goes; validated (zod) at each edge before it gets here. */
export interface AcutePostInput {
  /** Registered units' ids, or every unit of the tenant. */
  units: string[] | 'all';
  text: string;
  urgency: AcuteUrgency;
  /** What the unit should do. */
  whatToDo?: string;
  /** A plan's reference (KIP-XXXX-XXXX): the only thing about a citizen a channel may show. */
  planReference?: string;
}

/** Who posts: a member of the acute team in Teams, or the acute line's own system (app-only token). */
export type AcutePoster = { kind: 'user'; userId: string; name: string } | { kind: 'system'; appId: string };

export type AcutePostResult = { kind: 'accepted'; id: string; created: boolean } | { kind: 'unknownUnits'; units: string[] } | { kind: 'noUnits' };

/** One unit's answer to a post. */
export interface AcuteUnitStatus {
  unitId: string;
  unitName: string;
  acknowledgements: { by: string; at: string; kind: 'taken' | 'seen' }[];
  escalatedAt?: string;
}

export interface AcuteMessageStatus {
  id: string;
  createdAt: string;
  urgency: AcuteUrgency;
  units: AcuteUnitStatus[];
}

export interface AcutePosting {
  /** Posts once per (tenant, poster, idempotency key): the same key again returns the first post's id with created: false. */
  post(tenantId: string, input: AcutePostInput, by: AcutePoster, idempotencyKey: string): Promise<AcutePostResult>;
  /** Who acknowledged the post, per unit, and when; undefined when the tenant has no such post. */
  status(tenantId: string, id: string): Promise<AcuteMessageStatus | undefined>;
}
