/** What the guided start needs from storage (Cosmos in src/guide/storage). */
import type { Versioned } from '../../platform/ports';
import type { GuideDraft } from './guide';

export interface DraftStore {
  create(draft: GuideDraft): Promise<'created' | 'exists'>;
  get(tenantId: string, id: string): Promise<Versioned<GuideDraft> | undefined>;
  /** Replaces the draft if it still has the given ETag. */
  replace(draft: GuideDraft, etag: string): Promise<'replaced' | 'conflict'>;
  /** The user's most recently touched unfinished guide. */
  latestOpen(tenantId: string, userId: string): Promise<GuideDraft | undefined>;
  /** The user's guides that ended with a plan not yet stored (a crash in between). */
  listPending(tenantId: string, userId: string): Promise<GuideDraft[]>;
}
