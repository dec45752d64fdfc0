/** What the guided start needs from storage (Cosmos in src/guide/storage). */
import type { Versioned } from '../../platform/ports';
import type { GuideDraft } from './guide';

export interface DraftStore {
  create(draft: GuideDraft): Promise<'created' | 'exists'>;
  /**
   * The draft with its ETag. `cached`: this process's last written copy may serve (then
   * `cached` is true on the answer) – only for a replace; any other outcome must be decided on a fresh read.
   */
  get(tenantId: string, id: string, options?: { cached?: boolean }): Promise<(Versioned<GuideDraft> & { cached?: boolean }) | undefined>;
  /** Replaces the draft if it still has the given ETag. */
  replace(draft: GuideDraft, etag: string): Promise<'replaced' | 'conflict'>;
  /** The user's most recently touched unfinished guide. */
  latestOpen(tenantId: string, userId: string): Promise<GuideDraft | undefined>;
  /** The user's guides that ended with a plan not yet stored (a crash in between). */
  listPending(tenantId: string, userId: string): Promise<GuideDraft[]>;
}
