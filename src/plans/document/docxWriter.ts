/**
 * Writes the plan document as a Word file (.docx) with the `docx` library:
 * A4, the plan's reference and version in the header, "confidential" with
 * the date generated and page numbers in the footer, a heading per section,
 * tables for facts and the contact list. The file's properties name the
 * plan's reference, never the citizen.
 */
import {
  AlignmentType,
  BorderStyle,
  Document,
  Footer,
  Header,
  HeadingLevel,
  Packer,
  PageNumber,
  Paragraph,
  ShadingType,
  Table,
  TableCell,
  TableRow,
  TextRun,
  WidthType,
  type ParagraphChild,
} from 'docx';
import type { Block, PlanDocumentModel } from './documentModel';

export const DOCX_MEDIA_TYPE = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';

const LABEL_SHADE = { type: ShadingType.CLEAR, color: 'auto', fill: 'E8EEF4' } as const;
const GREY = '595959';

/** One paragraph per line, so line breaks typed by people survive. */
function lines(text: string, run: { bold?: boolean; italics?: boolean; color?: string } = {}): Paragraph[] {
  return text.split('\n').map((line) => new Paragraph({ children: [new TextRun({ text: line, ...run })] }));
}

function cell(text: string, opts: { label?: boolean; header?: boolean; widthPct?: number } = {}): TableCell {
  return new TableCell({
    children: lines(text, { bold: opts.label || opts.header }),
    shading: opts.label || opts.header ? LABEL_SHADE : undefined,
    width: opts.widthPct ? { size: opts.widthPct, type: WidthType.PERCENTAGE } : undefined,
    margins: { top: 60, bottom: 60, left: 100, right: 100 },
  });
}

function factsTable(rows: Array<{ label: string; value: string }>): Table {
  return new Table({
    width: { size: 100, type: WidthType.PERCENTAGE },
    rows: rows.map((r) => new TableRow({ cantSplit: true, children: [cell(r.label, { label: true, widthPct: 30 }), cell(r.value, { widthPct: 70 })] })),
  });
}

function blockElements(block: Block): Array<Paragraph | Table> {
  switch (block.kind) {
    case 'facts':
      return [factsTable(block.rows), new Paragraph({})];
    case 'table':
      return [
        new Table({
          width: { size: 100, type: WidthType.PERCENTAGE },
          rows: [
            new TableRow({ tableHeader: true, children: block.columns.map((c) => cell(c, { header: true })) }),
            ...block.rows.map((r) => new TableRow({ cantSplit: true, children: r.map((v) => cell(v)) })),
          ],
        }),
        new Paragraph({}),
      ];
    case 'words':
      return [
        new Paragraph({ heading: HeadingLevel.HEADING_3, children: [new TextRun(block.label)] }),
        // The citizen's own words, set off with a rule on the left like a quotation.
        ...block.text.split('\n').map(
          (line) =>
            new Paragraph({
              indent: { left: 240 },
              border: { left: { style: BorderStyle.SINGLE, size: 12, color: '9FB6CD', space: 8 } },
              children: [new TextRun({ text: line })],
            }),
        ),
      ];
    case 'subheading':
      return [new Paragraph({ heading: HeadingLevel.HEADING_2, children: [new TextRun(block.text)] })];
    case 'list':
      return block.items.map((item) => new Paragraph({ bullet: { level: 0 }, children: [new TextRun(item)] }));
    case 'note':
      return lines(block.text, { italics: true, color: GREY });
  }
}

/** The .docx file of the document. */
export async function writeDocx(doc: PlanDocumentModel): Promise<Buffer> {
  const footerRuns: ParagraphChild[] = [
    new TextRun({ text: doc.footer.confidential, bold: true }),
    new TextRun({ text: ` · ${doc.footer.generated} · ${doc.footer.page} ` }),
    new TextRun({ children: [PageNumber.CURRENT] }),
    new TextRun({ text: ` ${doc.footer.of} ` }),
    new TextRun({ children: [PageNumber.TOTAL_PAGES] }),
  ];
  const document = new Document({
    creator: 'Samspil',
    lastModifiedBy: 'Samspil',
    title: doc.title,
    styles: { default: { document: { run: { font: 'Calibri', size: 22 } } } },
    sections: [
      {
        headers: { default: new Header({ children: [new Paragraph({ alignment: AlignmentType.RIGHT, children: [new TextRun({ text: doc.header, color: GREY, size: 18 })] })] }) },
        footers: { default: new Footer({ children: [new Paragraph({ alignment: AlignmentType.CENTER, children: footerRuns })] }) },
        children: [
          new Paragraph({ heading: HeadingLevel.TITLE, children: [new TextRun(doc.title)] }),
          factsTable(doc.facts),
          ...doc.sections.flatMap((s) => [new Paragraph({ heading: HeadingLevel.HEADING_1, children: [new TextRun(s.heading)] }), ...s.blocks.flatMap(blockElements)]),
        ],
      },
    ],
  });
  return Packer.toBuffer(document);
}
