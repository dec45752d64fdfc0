/** The acute line's documents in Cosmos (container `acute`), one logical partition per tenant; every change with its ETag. */
import type { Container } from '@azure/cosmos';
import type { AcuteMessage, AcuteUnit, HelpRequest } from '../domain/acute';
import type { AcuteStore } from '../domain/stores';
import { stripSystem } from '../../platform/storage/cosmosErrors';
import { createOnce, readOwned, removeIfExists, updateWithEtag } from '../../platform/storage/documents';

export class CosmosAcuteStore implements AcuteStore {
  constructor(private readonly container: Container) {}

  async putUnit(unit: AcuteUnit): Promise<void> {
    // A unit is written only by the owner registering its own channel: the newest registration wins.
    await this.container.items.upsert(unit);
  }

  async getUnit(tenantId: string, id: string): Promise<AcuteUnit | undefined> {
    const found = await readOwned<AcuteUnit>(this.container, id, tenantId, tenantId);
    return found?.doc.docType === 'unit' ? found.doc : undefined;
  }

  async listUnits(tenantId: string): Promise<AcuteUnit[]> {
    const { resources } = await this.container.items
      .query<AcuteUnit>({ query: 'SELECT * FROM c WHERE c.tenantId = @tenantId AND c.docType = "unit"', parameters: [{ name: '@tenantId', value: tenantId }] }, { partitionKey: tenantId })
      .fetchAll();
    return resources.map((r) => stripSystem(r)).sort((a, b) => a.name.localeCompare(b.name));
  }

  removeUnit(tenantId: string, id: string): Promise<void> {
    return removeIfExists(this.container, id, tenantId);
  }

  createMessage(message: AcuteMessage): Promise<'created' | 'exists'> {
    return createOnce(this.container, message);
  }

  async getMessage(tenantId: string, id: string): Promise<AcuteMessage | undefined> {
    const found = await readOwned<AcuteMessage>(this.container, id, tenantId, tenantId);
    return found?.doc.docType === 'message' ? found.doc : undefined;
  }

  updateMessage(tenantId: string, id: string, change: (m: AcuteMessage) => AcuteMessage | undefined) {
    return updateWithEtag<AcuteMessage>(this.container, id, tenantId, (m) => (m.docType === 'message' ? change(m) : undefined));
  }

  createHelp(request: HelpRequest): Promise<'created' | 'exists'> {
    return createOnce(this.container, request);
  }

  async getHelp(tenantId: string, id: string): Promise<HelpRequest | undefined> {
    const found = await readOwned<HelpRequest>(this.container, id, tenantId, tenantId);
    return found?.doc.docType === 'help' ? found.doc : undefined;
  }

  updateHelp(tenantId: string, id: string, change: (r: HelpRequest) => HelpRequest | undefined) {
    return updateWithEtag<HelpRequest>(this.container, id, tenantId, (r) => (r.docType === 'help' ? change(r) : undefined));
  }
}
