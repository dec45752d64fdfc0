/**
 * The plan as a document, independent of the file format: the template's
 * sections in order (seed 000 §3.2.2: master data, the citizen's dreams,
 * wishes and needs, the network and contact list, the meeting, actions,
 * coordinator, next meeting, the citizen's approval), each a list of blocks.
 * The plans capability fills what it knows; later capabilities fill the rest
 * (`fill`) or add sections of their own (`add`). Until a section is filled it
 * says "to be filled in at the coordination meeting". Pure: no I/O.
 */
import type { Locale } from '../../platform/i18n';
import type { CarePlan, Contact } from '../domain/carePlan';
import type { DocumentAudience } from '../domain/planDocument';

export type Block =
  /** Label–value rows (master data, consent). */
  | { kind: 'facts'; rows: Array<{ label: string; value: string }> }
  /** A table with a header row (the contact list). */
  | { kind: 'table'; columns: string[]; rows: string[][] }
  /** Text as someone wrote it, line breaks kept (the citizen's own words). */
  | { kind: 'words'; label: string; text: string }
  | { kind: 'subheading'; text: string }
  | { kind: 'list'; items: string[] }
  /** A quiet line: an empty state or a hint. */
  | { kind: 'note'; text: string };

export interface DocumentSection {
  key: string;
  heading: string;
  blocks: Block[];
}

export interface PlanDocumentModel {
  /** The document's title (also its file properties): names the plan's reference, never the citizen. */
  title: string;
  header: string;
  footer: { confidential: string; generated: string; page: string; of: string };
  /** Reference, version, status and whose copy this is, under the title. */
  facts: Array<{ label: string; value: string }>;
  sections: DocumentSection[];
}

/** What a section is built from: the plan as it is now, whose copy it is, in which language. */
export interface SectionContext {
  plan: CarePlan;
  audience: DocumentAudience;
  /** The contact the copy is for (none for the citizen's copy). */
  recipient?: Contact;
  loc: Locale;
  now: Date;
}

/** Builds a section's blocks; undefined leaves the section out of this copy (e.g. a professionals-only section). */
export type SectionBuilder = (ctx: SectionContext) => Promise<Block[] | undefined> | Block[] | undefined;

/** The template's sections, in the template's order. */
export const TEMPLATE_SECTIONS = ['masterData', 'voice', 'network', 'meetings', 'actions', 'coordinator', 'nextMeeting', 'approval'] as const;
export type TemplateSection = (typeof TEMPLATE_SECTIONS)[number];

/** A section a capability adds after one of the template's. */
export interface ExtraSection {
  key: string;
  after: TemplateSection;
  heading: (loc: Locale) => string;
  build: SectionBuilder;
}

/** The document's sections: the template's, filled by whichever capability knows them, and any added ones. */
export class PlanDocumentSections {
  private readonly filled = new Map<TemplateSection, SectionBuilder>();
  private readonly extra: ExtraSection[] = [];

  /** Fills one of the template's sections (once: two capabilities must not both write it). */
  fill(key: TemplateSection, build: SectionBuilder): this {
    if (this.filled.has(key)) throw new Error(`document section "${key}" is filled twice`);
    this.filled.set(key, build);
    return this;
  }

  /** Adds a section of a capability's own after one of the template's. */
  add(section: ExtraSection): this {
    if ((TEMPLATE_SECTIONS as readonly string[]).includes(section.key) || this.extra.some((s) => s.key === section.key)) {
      throw new Error(`document section "${section.key}" exists`);
    }
    this.extra.push(section);
    return this;
  }

  /** Every section of this copy, in order. */
  async build(ctx: SectionContext): Promise<DocumentSection[]> {
    const { t } = ctx.loc;
    const out: DocumentSection[] = [];
    for (const key of TEMPLATE_SECTIONS) {
      const build = this.filled.get(key);
      const blocks = build ? await build(ctx) : [];
      if (blocks) out.push({ key, heading: t.document.sections[key], blocks: blocks.length ? blocks : [{ kind: 'note', text: t.document.atMeeting }] });
      for (const extra of this.extra.filter((s) => s.after === key)) {
        const added = await extra.build(ctx);
        if (added?.length) out.push({ key: extra.key, heading: extra.heading(ctx.loc), blocks: added });
      }
    }
    return out;
  }
}
