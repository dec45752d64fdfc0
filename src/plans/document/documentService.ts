/**
 * The plan as a document: making the links (for a member of the network) and
 * opening one (for whoever holds it). Every link made and every download is
 * audited with ids and codes only; a download is recorded before the file
 * leaves, so nothing is handed out unrecorded.
 */
import { auditEntry } from '../../platform/audit/audit';
import type { Environment, UserIdentity } from '../../platform/identity';
import type { AuditLog } from '../../platform/ports';
import { CarePlan, Contact, isMember } from '../domain/carePlan';
import {
  agreedVersion,
  DocumentLanguage,
  DocumentLinkTarget,
  DocumentRecipient,
  documentAccess,
  documentFileName,
  documentRecipients,
  documentsAvailable,
} from '../domain/planDocument';
import type { PlanStore } from '../domain/ports';
import type { PlanDocumentSections } from './documentModel';
import { writeDocx } from './docxWriter';
import { documentLocale, planDocumentModel } from './planSections';

export interface DocumentLink {
  recipient: DocumentRecipient;
  /** The contact the link is for (none for the citizen). */
  contact?: Contact;
  url: string;
}

export type LinksOutcome =
  | { kind: 'ok'; plan: CarePlan; links: DocumentLink[]; expiresAt: Date }
  | { kind: 'unavailable'; plan: CarePlan }
  | { kind: 'denied' };

export type OpenOutcome = { kind: 'ok'; file: Buffer; fileName: string } | { kind: 'gone' } | { kind: 'notFound' };

export interface PlanDocumentDeps {
  plans: PlanStore;
  audit: AuditLog;
  env: Environment;
  links: { url(target: DocumentLinkTarget): { url: string; expiresAt: Date } };
  sections: PlanDocumentSections;
}

/** Who a download is recorded as: the Teams user the contact is linked to, else the link's recipient. */
export function downloadActor(plan: CarePlan, recipient: DocumentRecipient): string {
  if (recipient.kind === 'citizen') return 'link:citizen';
  const contact = plan.contacts.find((c) => c.id === recipient.contactId);
  return contact?.teamsUserId ?? `link:${recipient.contactId}`;
}

export class PlanDocumentService {
  constructor(private readonly d: PlanDocumentDeps) {}

  /**
   * The links a member gets for the plan's current version (see
   * documentRecipients): audited. A missing plan and someone else's plan get
   * the same answer.
   */
  async linksFor(user: UserIdentity, planId: string, language: DocumentLanguage): Promise<LinksOutcome> {
    const plan = await this.d.plans.get(user.tenantId, planId);
    const at = this.d.env.now();
    if (!plan || !isMember(plan, user.userId)) {
      await this.d.audit.record([auditEntry(this.d.env.newId(), at, user, planId, 'access.denied', { reason: plan ? 'notMember' : 'notFound', target: 'document' })]);
      return { kind: 'denied' };
    }
    if (!documentsAvailable(plan)) return { kind: 'unavailable', plan };
    let expiresAt = at;
    const links = documentRecipients(plan, user.userId).map((recipient): DocumentLink => {
      const link = this.d.links.url({ tenantId: plan.tenantId, planId: plan.id, version: agreedVersion(plan), recipient, language });
      expiresAt = link.expiresAt;
      const contact = recipient.kind === 'contact' ? plan.contacts.find((c) => c.id === recipient.contactId) : undefined;
      return { recipient, contact, url: link.url };
    });
    await this.d.audit.record([auditEntry(this.d.env.newId(), at, user, plan.id, 'plan.documentLinked', { version: agreedVersion(plan), links: links.length })]);
    return { kind: 'ok', plan, links, expiresAt };
  }

  /**
   * The document a valid link gives now: built from the plan as it is, for
   * the copy the consent allows. 'gone' once the plan is closed, its consent
   * withdrawn, a newer version exists or the recipient left the network;
   * 'notFound' for an unknown plan or a recipient the consent does not cover.
   */
  async open(target: DocumentLinkTarget): Promise<OpenOutcome> {
    const plan = await this.d.plans.get(target.tenantId, target.planId);
    if (!plan) return { kind: 'notFound' };
    const who = { tenantId: plan.tenantId, userId: downloadActor(plan, target.recipient) };
    const access = documentAccess(plan, target);
    if (access.kind !== 'ok') {
      await this.d.audit.record([auditEntry(this.d.env.newId(), this.d.env.now(), who, plan.id, 'access.denied', { target: 'document', reason: access.kind, version: target.version })]);
      return access.kind === 'gone' ? { kind: 'gone' } : { kind: 'notFound' };
    }
    const now = this.d.env.now();
    const model = await planDocumentModel({ plan, audience: access.audience, recipient: access.contact, loc: documentLocale(target.language), now }, this.d.sections);
    const file = await writeDocx(model);
    await this.d.audit.record([
      auditEntry(this.d.env.newId(), now, who, plan.id, 'plan.documentRead', { via: 'docx', version: agreedVersion(plan), audience: access.audience }),
    ]);
    return { kind: 'ok', file, fileName: documentFileName(plan) };
  }
}
