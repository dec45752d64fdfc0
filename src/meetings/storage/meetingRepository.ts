/**
 * Coordination meetings in Cosmos, one logical partition per tenant; every
 * change with its ETag. Every write leaves its result in a DocumentCache
 * (src/platform/storage/documentCache.ts, whose header has the rules): only
 * `read(…, { cached: true })` – the read before a conditional write – is
 * served from it; `get`, lists and queries always read the store.
 */
import type { Container } from '@azure/cosmos';
import type { CoordinationMeeting, MeetingDigest } from '../domain/meeting';
import type { MeetingChatStore, MeetingStore } from '../domain/ports';
import { chatIdOf, meetingForChat } from '../domain/meetingChat';
import type { Versioned } from '../../platform/ports';
import { stripSystem } from '../../platform/storage/cosmosErrors';
import { DocumentCache } from '../../platform/storage/documentCache';
import { WriteObserver, createOnce, readOwned, removeIfExists, updateWithEtag } from '../../platform/storage/documents';

/**
 * The fields of MeetingDigest: what the overview card needs of a meeting, not
 * its agenda, place, join link, apology reasons or substitutes.
 */
const DIGEST_QUERY = [
  'SELECT c.id, c.planId, c.status, c.sequence, c.startsAt, c.durationMinutes, c.timeZone, c.organiserContactId, c.checklist, c.createdAt,',
  'ARRAY(SELECT VALUE {"contactId": i.contactId, "channel": i.channel, "response": i.response, "manualSentAt": i.manualSentAt, "notDelivered": i.notDelivered} FROM i IN c.invitations) AS invitations',
  'FROM c WHERE c.tenantId = @tenantId AND ARRAY_CONTAINS(@planIds, c.planId)',
].join(' ');

export class CosmosMeetingStore implements MeetingStore, MeetingChatStore {
  /** `cache`: this process's meetings as last written (one per store instance; a test gives each "instance" its own). */
  constructor(
    private readonly container: Container,
    private readonly cache = new DocumentCache(),
  ) {}

  create(meeting: CoordinationMeeting): Promise<'created' | 'exists'> {
    return createOnce(this.container, meeting, this.observer(meeting.tenantId, meeting.id));
  }

  async get(tenantId: string, id: string): Promise<CoordinationMeeting | undefined> {
    return (await readOwned<CoordinationMeeting>(this.container, id, tenantId, tenantId))?.doc;
  }

  /** With `cached`, the copy this process last wrote if it has one (for a conditional write only), else the stored one. */
  async read(tenantId: string, id: string, options?: { cached?: boolean }): Promise<(Versioned<CoordinationMeeting> & { cached?: boolean }) | undefined> {
    const hit = options?.cached ? this.cache.get<CoordinationMeeting>(this.container.id, tenantId, id) : undefined;
    if (hit) return hit;
    const found = await readOwned<CoordinationMeeting>(this.container, id, tenantId, tenantId);
    return found && { value: found.doc, etag: found.etag };
  }

  update(
    tenantId: string,
    id: string,
    change: (meeting: CoordinationMeeting) => CoordinationMeeting | undefined,
    known?: Versioned<CoordinationMeeting> & { cached?: boolean },
  ): Promise<{ before: CoordinationMeeting; after: CoordinationMeeting } | undefined> {
    if (known?.cached) {
      // After this process's earlier writes of the meeting, from the copy the last of them left (or a fresh read).
      return this.cache.exclusive(this.container.id, tenantId, id, () => {
        const latest = this.cache.get<CoordinationMeeting>(this.container.id, tenantId, id);
        const start = latest && { doc: latest.value, etag: latest.etag, cached: true };
        return updateWithEtag(this.container, id, tenantId, change, start, this.observer(tenantId, id));
      });
    }
    const start = known && known.value.tenantId === tenantId ? { doc: known.value, etag: known.etag } : undefined;
    return updateWithEtag(this.container, id, tenantId, change, start, this.observer(tenantId, id));
  }

  /** Keeps what each write stored in the cache, and drops a copy found outdated. */
  private observer(tenantId: string, id: string): WriteObserver {
    return {
      written: (stored, etag) => {
        if (stored) this.cache.remember(this.container.id, tenantId, id, stripSystem(stored as CoordinationMeeting), etag);
      },
      outdated: () => this.cache.forget(this.container.id, tenantId, id),
    };
  }

  async digestsForPlans(tenantId: string, planIds: readonly string[]): Promise<MeetingDigest[]> {
    if (planIds.length === 0) return [];
    const { resources } = await this.container.items
      .query<MeetingDigest>(
        {
          query: DIGEST_QUERY,
          parameters: [
            { name: '@tenantId', value: tenantId },
            { name: '@planIds', value: [...planIds] },
          ],
        },
        { partitionKey: tenantId },
      )
      .fetchAll();
    return resources;
  }

  async listForPlan(tenantId: string, planId: string): Promise<CoordinationMeeting[]> {
    const { resources } = await this.container.items
      .query<CoordinationMeeting>(
        {
          query: 'SELECT * FROM c WHERE c.tenantId = @tenantId AND c.planId = @planId ORDER BY c.startsAt DESC',
          parameters: [
            { name: '@tenantId', value: tenantId },
            { name: '@planId', value: planId },
          ],
        },
        { partitionKey: tenantId },
      )
      .fetchAll();
    return resources.map(stripSystem);
  }

  /**
   * The scheduled meeting linked to a Teams chat, the one starting nearest to
   * `now`: one query in the tenant's partition (every path is indexed by
   * Cosmos's default policy, so `chatId` too), reading the few meetings a chat
   * was ever linked to.
   */
  async findMeetingByChat(tenantId: string, conversationId: string, now: Date = new Date()): Promise<CoordinationMeeting | undefined> {
    const { resources } = await this.container.items
      .query<CoordinationMeeting>(
        {
          query: 'SELECT * FROM c WHERE c.tenantId = @tenantId AND c.chatId = @chatId',
          parameters: [
            { name: '@tenantId', value: tenantId },
            { name: '@chatId', value: chatIdOf(conversationId) },
          ],
        },
        { partitionKey: tenantId },
      )
      .fetchAll();
    const found = meetingForChat(resources, now);
    return found && stripSystem(found);
  }

  /** Deletes the meeting (erasure of its plan after the retention period). */
  async remove(tenantId: string, id: string): Promise<void> {
    this.cache.forget(this.container.id, tenantId, id);
    await removeIfExists(this.container, id, tenantId);
    this.cache.forget(this.container.id, tenantId, id);
  }
}
