/** Coordination meetings in Cosmos, one logical partition per tenant; every change with its ETag. */
import type { Container } from '@azure/cosmos';
import type { CoordinationMeeting } from '../domain/meeting';
import type { MeetingStore } from '../domain/ports';
import { stripSystem } from '../../platform/storage/cosmosErrors';
import { createOnce, readOwned, removeIfExists, updateWithEtag } from '../../platform/storage/documents';

export class CosmosMeetingStore implements MeetingStore {
  constructor(private readonly container: Container) {}

  create(meeting: CoordinationMeeting): Promise<'created' | 'exists'> {
    return createOnce(this.container, meeting);
  }

  async get(tenantId: string, id: string): Promise<CoordinationMeeting | undefined> {
    return (await readOwned<CoordinationMeeting>(this.container, id, tenantId, tenantId))?.doc;
  }

  update(
    tenantId: string,
    id: string,
    change: (meeting: CoordinationMeeting) => CoordinationMeeting | undefined,
  ): Promise<{ before: CoordinationMeeting; after: CoordinationMeeting } | undefined> {
    return updateWithEtag(this.container, id, tenantId, change);
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

  /** Deletes the meeting (erasure of its plan after the retention period). */
  remove(tenantId: string, id: string): Promise<void> {
    return removeIfExists(this.container, id, tenantId);
  }
}
