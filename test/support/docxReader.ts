/**
 * Reads a .docx the way a test needs it: unzips it (fflate), then takes the
 * paragraphs of word/document.xml, the header and the footer as text, with
 * each paragraph's style (Title, Heading1, …). Enough to assert on what a
 * reader of the document would see; not a general Word parser.
 */
import { strFromU8, unzipSync } from 'fflate';

export interface DocxParagraph {
  style?: string;
  text: string;
}

export interface DocxContent {
  /** Every part of the package by path (word/document.xml, docProps/core.xml, …). */
  parts: Record<string, string>;
  paragraphs: DocxParagraph[];
  /** All paragraphs' text, one per line. */
  text: string;
  headings: DocxParagraph[];
  header: string;
  footer: string;
  /** Rows of every table, each row a list of cell texts (a cell's paragraphs joined by a newline). */
  tables: string[][][];
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
const decode = (s: string) => s.replace(/&(amp|lt|gt|quot|apos);/g, (_, e: string) => ENTITIES[e]!);

function paragraphsOf(xml: string): DocxParagraph[] {
  return [...xml.matchAll(/<w:p\b[^>]*?(?:\/>|>([\s\S]*?)<\/w:p>)/g)].map((m) => {
    const body = m[1] ?? '';
    const style = /<w:pStyle w:val="([^"]+)"/.exec(body)?.[1];
    const text = [...body.matchAll(/<w:t(?:\s[^>]*)?>([^<]*)<\/w:t>/g)].map((t) => decode(t[1]!)).join('');
    return { style, text };
  });
}

function tablesOf(xml: string): string[][][] {
  return [...xml.matchAll(/<w:tbl>([\s\S]*?)<\/w:tbl>/g)].map((t) =>
    [...t[1]!.matchAll(/<w:tr\b[^>]*>([\s\S]*?)<\/w:tr>/g)].map((r) =>
      [...r[1]!.matchAll(/<w:tc>([\s\S]*?)<\/w:tc>/g)].map((c) => paragraphsOf(c[1]!).map((p) => p.text).join('\n')),
    ),
  );
}

/** Unzips and reads a .docx file. */
export function readDocx(file: Uint8Array): DocxContent {
  const files = unzipSync(file);
  const parts = Object.fromEntries(Object.entries(files).map(([name, bytes]) => [name, strFromU8(bytes)]));
  const document = parts['word/document.xml'];
  if (!document) throw new Error('not a Word document: no word/document.xml');
  const paragraphs = paragraphsOf(document);
  const partText = (prefix: string) =>
    Object.keys(parts)
      .filter((n) => n.startsWith(prefix) && n.endsWith('.xml'))
      .map((n) => paragraphsOf(parts[n]!).map((p) => p.text).join('\n'))
      .join('\n');
  return {
    parts,
    paragraphs,
    text: paragraphs.map((p) => p.text).join('\n'),
    headings: paragraphs.filter((p) => p.style && /^(Title|Heading\d)$/.test(p.style)),
    header: partText('word/header'),
    footer: partText('word/footer'),
    tables: tablesOf(document),
  };
}
