/**
 * Meeting records in Cosmos: their own container (partition /tenantId, id =
 * the meeting's id), apart from the meeting document. Why apart: during a
 * meeting several people save sections every few seconds while invitation
 * answers and checklist ticks still land on the meeting; one document for
 * both would make each side retry on the other's ETag, and would put the
 * record's texts into every query that lists meetings (digests, the plan card).
 */
import type { Container } from '@azure/cosmos';
import type { MeetingRecord } from '../domain/meetingRecord';
import type { Versioned } from '../../platform/ports';
import type { RecordStore } from '../domain/meetingRecordService';
import { createOnce, readOwned, removeIfExists, updateWithEtag } from '../../platform/storage/documents';

export class CosmosRecordStore implements RecordStore {
  constructor(private readonly container: Container) {}

  create(record: MeetingRecord): Promise<'created' | 'exists'> {
    return createOnce(this.container, record);
  }

  async get(tenantId: string, id: string): Promise<MeetingRecord | undefined> {
    return (await readOwned<MeetingRecord>(this.container, id, tenantId, tenantId))?.doc;
  }

  async read(tenantId: string, id: string): Promise<Versioned<MeetingRecord> | undefined> {
    const found = await readOwned<MeetingRecord>(this.container, id, tenantId, tenantId);
    return found && { value: found.doc, etag: found.etag };
  }

  update(
    tenantId: string,
    id: string,
    change: (record: MeetingRecord) => MeetingRecord | undefined,
    known?: Versioned<MeetingRecord>,
  ): Promise<{ before: MeetingRecord; after: MeetingRecord } | undefined> {
    return updateWithEtag(this.container, id, tenantId, change, known && known.value.tenantId === tenantId ? { doc: known.value, etag: known.etag } : undefined);
  }

  /** Deletes the record (erasure of its plan). */
  remove(tenantId: string, id: string): Promise<void> {
    return removeIfExists(this.container, id, tenantId);
  }
}
