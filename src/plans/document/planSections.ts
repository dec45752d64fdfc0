/**
 * What the plans capability writes into the document: master data with the
 * consent, the citizen's dreams, wishes and needs in their own words, and the
 * network with contact details – each as the copy's audience may see it.
 * Pure: no I/O.
 */
import { format, formatDate, localeOf, type Locale } from '../../platform/i18n';
import type { Consent } from '../domain/carePlan';
import { agreedVersion, contactsShown, showsContactDetails, type DocumentLanguage } from '../domain/planDocument';
import type { Block, PlanDocumentModel, PlanDocumentSections, SectionContext } from './documentModel';

const DOCUMENT_TAGS: Record<DocumentLanguage, string> = { da: 'da-DK', en: 'en-GB', sv: 'sv-SE' };

/** The document's language and formats (dates as in Denmark, Britain or Sweden), times in Copenhagen time. */
export function documentLocale(language: DocumentLanguage): Locale {
  return localeOf(DOCUMENT_TAGS[language], 'Europe/Copenhagen');
}

/** Control characters are not allowed in the document's XML; everything else stays as typed. */
export function docText(value: string): string {
  // eslint-disable-next-line no-control-regex
  return value.replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, '').replace(/\r\n?/g, '\n');
}

function consentBlocks(consent: Consent, ctx: SectionContext): Block[] {
  const { t } = ctx.loc;
  const rows = [
    { label: t.plan.status, value: t.enums.consentStatus[consent.status] },
    { label: t.document.consentHow, value: `${t.enums.consentMethod[consent.method]}, ${formatDate(consent.obtainedOn, ctx.loc)}` },
    { label: t.document.consentCovers, value: consent.covers.map((s) => t.consent[s]).join('\n') },
    { label: t.document.consentBy, value: docText(consent.obtainedBy.name) },
  ];
  // The note is the professional's free text: not in the relatives' copy.
  if (consent.note && ctx.audience !== 'relative') rows.push({ label: t.document.consentNote, value: docText(consent.note) });
  return [{ kind: 'subheading', text: t.document.consentTitle }, { kind: 'facts', rows }];
}

/** Stamdata: who the citizen is (the relatives' copy leaves out the address), and the consent. */
export function masterDataBlocks(ctx: SectionContext): Block[] {
  const { t } = ctx.loc;
  const c = ctx.plan.citizen;
  const rows = [
    { label: t.masterData.name, value: docText(c.name) },
    { label: t.masterData.dateOfBirth, value: formatDate(c.dateOfBirth, ctx.loc) },
  ];
  if (ctx.audience !== 'relative') rows.push({ label: t.masterData.address, value: c.address ? docText(c.address) : t.document.notFilled });
  rows.push(
    { label: t.masterData.housingUnit, value: c.housingUnit ? docText(c.housingUnit) : t.document.notFilled },
    { label: t.masterData.preferredLanguage, value: t.enums.language[c.preferredLanguage] },
  );
  return [{ kind: 'facts', rows }, ...consentBlocks(ctx.plan.consent, ctx)];
}

/** The citizen's dreams, wishes and needs, as the citizen said them. */
export function voiceBlocks(ctx: SectionContext): Block[] {
  const { t } = ctx.loc;
  const c = ctx.plan.citizen;
  return [
    { kind: 'note', text: t.document.voiceHint },
    ...(['dreams', 'wishes', 'needs'] as const).map((k): Block => ({ kind: 'words', label: t.masterData[k], text: c[k] ? docText(c[k]!) : t.document.notFilled })),
  ];
}

/** The contact list: who, role, organisation and sector, phone and e-mail (as far as the copy shows them). */
export function networkBlocks(ctx: SectionContext): Block[] {
  const { t } = ctx.loc;
  const rows = contactsShown(ctx.plan, ctx.audience).map((c) => {
    const details = showsContactDetails(ctx.audience, c, ctx.recipient);
    return [
      docText(c.name),
      docText(c.role),
      [c.organisation, t.enums.sector[c.sector]].filter(Boolean).map((v) => docText(v!)).join('\n'),
      details && c.phone ? docText(c.phone) : '–',
      details && c.email ? docText(c.email) : '–',
    ];
  });
  return [{ kind: 'table', columns: [t.plan.name, t.plan.role, t.plan.organisation, t.document.phone, t.plan.email], rows }];
}

/** Registers the plans capability's own sections. */
export function fillPlanSections(sections: PlanDocumentSections): PlanDocumentSections {
  return sections.fill('masterData', masterDataBlocks).fill('voice', voiceBlocks).fill('network', networkBlocks);
}

/** The whole document for one copy: title, header, footer, facts under the title and every section. */
export async function planDocumentModel(ctx: SectionContext, sections: PlanDocumentSections): Promise<PlanDocumentModel> {
  const { t } = ctx.loc;
  const { plan } = ctx;
  const today = new Intl.DateTimeFormat('en-CA', { timeZone: ctx.loc.timeZone }).format(ctx.now);
  return {
    title: `${t.plan.title} ${plan.reference}`,
    header: format(t.document.header, { title: t.plan.title, reference: plan.reference, version: agreedVersion(plan) }),
    footer: { confidential: t.document.confidential, generated: format(t.document.generated, { date: formatDate(today, ctx.loc) }), page: t.document.page, of: t.document.of },
    facts: [
      { label: t.plan.reference, value: plan.reference },
      { label: t.document.version, value: String(agreedVersion(plan)) },
      { label: t.plan.status, value: t.enums.planStatus[plan.status] },
      { label: t.document.copy, value: t.document.copyFor[ctx.audience] },
    ],
    sections: await sections.build(ctx),
  };
}
