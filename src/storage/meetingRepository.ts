/** Coordination meetings in Cosmos, one logical partition per tenant; every change with its ETag. */
import type { Container } from '@azure/cosmos';
import type { CoordinationMeeting } from '../domain/meeting';
import type { MeetingStore } from '../domain/ports';
import { isConflict, isNotFound, isPreconditionFailed, stripSystem } from './cosmosErrors';

const MAX_UPDATE_ATTEMPTS = 10;

export class CosmosMeetingStore implements MeetingStore {
  constructor(private readonly container: Container) {}

  async create(meeting: CoordinationMeeting): Promise<'created' | 'exists'> {
    try {
      await this.container.items.create(meeting);
      return 'created';
    } catch (err) {
      if (isConflict(err)) return 'exists';
      throw err;
    }
  }

  async get(tenantId: string, id: string): Promise<CoordinationMeeting | undefined> {
    try {
      const { resource } = await this.container.item(id, tenantId).read<CoordinationMeeting>();
      return resource && resource.tenantId === tenantId ? stripSystem(resource) : undefined;
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  }

  async update(
    tenantId: string,
    id: string,
    change: (meeting: CoordinationMeeting) => CoordinationMeeting | undefined,
  ): Promise<{ before: CoordinationMeeting; after: CoordinationMeeting } | undefined> {
    for (let attempt = 0; attempt < MAX_UPDATE_ATTEMPTS; attempt++) {
      let current: CoordinationMeeting;
      let etag: string;
      try {
        const read = await this.container.item(id, tenantId).read<CoordinationMeeting>();
        if (!read.resource || read.resource.tenantId !== tenantId) return undefined;
        current = stripSystem(read.resource);
        etag = read.etag;
      } catch (err) {
        if (isNotFound(err)) return undefined;
        throw err;
      }
      const next = change(current);
      if (!next) return { before: current, after: current };
      try {
        await this.container.item(id, tenantId).replace({ ...next, id, tenantId }, { accessCondition: { type: 'IfMatch', condition: etag } });
        return { before: current, after: next };
      } catch (err) {
        if (!isPreconditionFailed(err)) throw err;
        await new Promise((r) => setTimeout(r, Math.random() * 10 * (attempt + 1)));
      }
    }
    throw Object.assign(new Error('meeting update kept conflicting'), { code: 'MEETING_UPDATE_CONFLICT' });
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
}
