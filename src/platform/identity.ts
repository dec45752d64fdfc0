/** Who is acting, as read from the Teams activity at the edge. */
export interface UserIdentity {
  tenantId: string;
  /** Azure AD object id. */
  userId: string;
  /** Display name from Teams; used only inside plan data, never in logs. */
  name: string;
}

/** Ids, time and randomness, passed in so that services are deterministic in tests. */
export interface Environment {
  now(): Date;
  newId(): string;
  newReference(): string;
  /** A stable id derived from the given parts (idempotent retries of the same activity). */
  stableId(...parts: string[]): string;
}
