/**
 * Text that is not markdown, made safe for the places where Teams renders
 * markdown: TextBlock text and Fact titles and values (a RichTextBlock's
 * TextRuns render none). Teams, like the Agents Playground, reads those as
 * CommonMark, so what a user typed (a name, a reason, an agenda line) could
 * otherwise turn into a link, bold text, an image or a mention, and a line
 * that starts with a Danish date ("12. marts 1988") into a numbered list that
 * drops the day.
 *
 * - Inline formatting is escaped with a backslash: \ ` * _ [ ] ~ |, a < that
 *   would open a tag or autolink (<at>, <b>, <https://…>), an & that would
 *   start an entity (&copy;).
 * - A list marker at the start of a line ("12. ", "1) ", "- ", "+ ", "# ")
 *   keeps its characters and gets a no-break space instead of the space
 *   after it: no markdown parser starts a list or heading on that (CommonMark
 *   and the Adaptive Cards mobile renderer both want an ASCII space), it
 *   reads the same, and it is the right space in "12. marts" anyway. A line
 *   that is only a marker ("-", "1.", "---") gets a backslash; a ">" at the
 *   start of a line (a quote needs no space) gets a backslash.
 * - The card's own date functions ({{DATE(…)}}) are broken with a zero-width
 *   space.
 * - Line breaks: plainText keeps each line as its own paragraph (Teams needs
 *   a blank line for a visible break); inlineText joins the lines with spaces,
 *   for values inside a line the view writes itself (a list item, bold text).
 *
 * Apply each function exactly once to a value, where it is put into markdown:
 * the escapes are not idempotent (a backslash is doubled).
 */

const NBSP = '\u00A0';
const ZWSP = '\u200B';

/** Control characters have no place in card text; tabs become spaces. */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROLS = /[\u0000-\u0008\u000B-\u001F\u007F]/g;
/** Characters that start or end inline formatting anywhere in a line. */
const INLINE = /[\\`*_[\]~|]/g;
/** A < that opens an HTML tag, a comment or an autolink (<at>, </b>, <!--, <https://…>). */
const TAG_OPEN = /<(?=[A-Za-z/!?])/g;
/** An & that starts a character reference (&copy; &#65; &#x41;). */
const ENTITY = /&(?=#?[A-Za-z0-9]+;)/g;
/** The Adaptive Cards date and time functions, expanded by the client before markdown. */
const CARD_FUNCTION = /\{\{(?=\s*(?:DATE|TIME)\s*\()/gi;

/** Anything escapeLine would change inside a line (a quick test first: most lines need nothing). */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const NEEDS_ESCAPE = /[\\`*_[\]~|<&{\u0000-\u001F\u007F]/;
/** A line start escapeLine would change: a list marker, heading, quote, or a line that is only a marker. */
const MARKER_START = /^\s*(?:\d|[-+=#>])/;

const LINE_BREAK = /[\r\n]/;

function escapeLine(raw: string): string {
  // Every card escapes every name and line it shows: skip the eight passes below when none can apply.
  if (!NEEDS_ESCAPE.test(raw) && !MARKER_START.test(raw)) return raw.trim();
  const line = raw
    .replace(/\t/g, ' ')
    .replace(CONTROLS, '')
    .trim()
    .replace(INLINE, '\\$&')
    .replace(TAG_OPEN, '\\<')
    .replace(ENTITY, '\\&')
    .replace(CARD_FUNCTION, `{${ZWSP}{`);
  // Only a marker on the line: an empty list item, a heading or a thematic break (a backslash before punctuation shows it).
  if (/^\d+[.)]$/.test(line)) return `${line.slice(0, -1)}\\${line.slice(-1)}`;
  if (/^(?:[-+=]+|#{1,6})$/.test(line)) return `\\${line}`;
  return line
    .replace(/^(\d+[.)]|[-+]|#{1,6}) +/, `$1${NBSP}`)
    .replace(/^>/, '\\>');
}

function lines(value: string): string[] {
  return value
    .replace(/\r\n?/g, '\n')
    .split('\n')
    .map(escapeLine)
    .filter((l) => l !== '');
}

/** A text shown as it was typed, line breaks kept: for a whole TextBlock or Fact value. */
export function plainText(value: string): string {
  return LINE_BREAK.test(value) ? lines(value).join('\n\n') : escapeLine(value);
}

/** A text shown as it was typed, on one line: for a value inside a line the view writes in markdown. */
export function inlineText(value: string): string {
  return LINE_BREAK.test(value) ? lines(value).join(' ') : escapeLine(value);
}

/** A markdown link to an https address; the label is plain text. */
export function markdownLink(label: string, url: string): string {
  // Characters that would end or break the destination are percent-encoded; the address stays the same.
  const destination = url.replace(/[\s()<>\\"'`]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`);
  return `[${inlineText(label)}](${destination})`;
}

/** A bulleted list of lines that are already markdown-safe (escaped by inlineText). */
export function bulletList(items: readonly string[]): string {
  return items.map((item) => `- ${item}`).join('\n');
}
