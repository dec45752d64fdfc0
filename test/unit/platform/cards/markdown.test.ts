/**
 * The escaping of text that is not markdown, table-driven: each input with the
 * exact text the card carries. The expectations follow CommonMark (what Teams
 * and the Agents Playground render; the E2E test checks the Playground's DOM):
 * a backslash before ASCII punctuation shows the character, a list or heading
 * needs an ASCII space after its marker, a blank line breaks a line.
 */
import assert from 'node:assert/strict';
import { bulletList, inlineText, markdownLink, plainText } from '../../../../src/platform/cards/markdown';

const NBSP = '\u00A0';
const ZWSP = '\u200B';

describe('cards/markdown', () => {
  describe('plainText', () => {
    const cases: Array<[string, string, string]> = [
      ['ordinary text', 'Jens Hansen', 'Jens Hansen'],
      ['Danish letters and punctuation that never format', 'Æbleø, (sal 2). Hvad? Ja! 50 % – 3 + 4 = 7 #1', 'Æbleø, (sal 2). Hvad? Ja! 50 % – 3 + 4 = 7 #1'],
      ['a Danish date at the start: no numbered list', '12. marts 1988', `12.${NBSP}marts 1988`],
      ['an abbreviated month', '1. dec. 2026', `1.${NBSP}dec. 2026`],
      ['a date in the middle is left alone', 'Født 12. marts 1988', 'Født 12. marts 1988'],
      ['several spaces after the number', '12.   marts', `12.${NBSP}marts`],
      ['a reason starting "1. "', '1. Jeg er syg', `1.${NBSP}Jeg er syg`],
      ['"1)" is a list marker too', '1) først', `1)${NBSP}først`],
      ['a long number', '2026. året', `2026.${NBSP}året`],
      ['a decimal number is not a marker', '1.5 mg', '1.5 mg'],
      ['a bullet', '- punkt', `-${NBSP}punkt`],
      ['a plus bullet', '+ punkt', `+${NBSP}punkt`],
      ['a star bullet (the star is escaped)', '* punkt', '\\* punkt'],
      ['a heading', '# Overskrift', `#${NBSP}Overskrift`],
      ['a hashtag is not a heading', '#mål', '#mål'],
      ['a quote', '> citat', '\\> citat'],
      ['only a marker', '-', '\\-'],
      ['only a number marker', '3.', '3\\.'],
      ['only a number marker with a parenthesis', '3)', '3\\)'],
      ['a thematic break', '---', '\\---'],
      ['bold', '**fed**', '\\*\\*fed\\*\\*'],
      ['italic with underscores', '_kursiv_', '\\_kursiv\\_'],
      ['an e-mail with an underscore', 'anne_jensen@aarhus.dk', 'anne\\_jensen@aarhus.dk'],
      ['a link', '[klik her](https://evil.example)', '\\[klik her\\](https://evil.example)'],
      ['an image', '![x](https://evil.example/x.png)', '!\\[x\\](https://evil.example/x.png)'],
      ['an autolink', '<https://evil.example>', '\\<https://evil.example>'],
      ['a mention', '<at>Alex</at>', '\\<at>Alex\\</at>'],
      ['an HTML tag', '<b>fed</b> <img src=x>', '\\<b>fed\\</b> \\<img src=x>'],
      ['a comparison is not a tag', 'a < b og 3 > 2', 'a < b og 3 > 2'],
      ['an entity', '&copy; &#65; &amp;', '\\&copy; \\&#65; \\&amp;'],
      ['an ampersand in a name', 'Hansen & Søn', 'Hansen & Søn'],
      ['inline code', '`kode`', '\\`kode\\`'],
      ['strikethrough and a table pipe', '~~nej~~ a | b', '\\~\\~nej\\~\\~ a \\| b'],
      ['a backslash', 'C:\\Sager\\', 'C:\\\\Sager\\\\'],
      ['the card date function', '{{DATE(2017-02-14T06:00:00Z, SHORT)}}', `{${ZWSP}{DATE(2017-02-14T06:00:00Z, SHORT)}}`],
      ['line breaks become paragraphs; blank lines and indentation go', 'linje 1\r\n\r\n    linje 2\rlinje 3', 'linje 1\n\nlinje 2\n\nlinje 3'],
      ['each line is checked for markers', 'Møde\n12. marts\n- punkt', `Møde\n\n12.${NBSP}marts\n\n-${NBSP}punkt`],
      ['control characters and tabs', 'a\u0000b\u0007\tc', 'ab c'],
      ['empty', '', ''],
    ];
    for (const [label, input, expected] of cases) {
      it(`${label}: ${JSON.stringify(input)}`, () => assert.equal(plainText(input), expected));
    }
  });

  describe('inlineText', () => {
    const cases: Array<[string, string, string]> = [
      ['one line stays one line', 'Syg\nkommer næste gang', 'Syg kommer næste gang'],
      ['a date at its start, as in a list item', '12. marts 1988', `12.${NBSP}marts 1988`],
      ['markers on later lines too', 'a\n1. b', `a 1.${NBSP}b`],
      ['formatting', '**Bo** [x](y)', '\\*\\*Bo\\*\\* \\[x\\](y)'],
    ];
    for (const [label, input, expected] of cases) {
      it(`${label}: ${JSON.stringify(input)}`, () => assert.equal(inlineText(input), expected));
    }
  });

  describe('markdownLink', () => {
    it('keeps an ordinary https address as it is', () => {
      assert.equal(markdownLink('Deltag i mødet', 'https://teams.microsoft.com/l/meetup-join/19%3a/0?context=%7b%7d'), '[Deltag i mødet](https://teams.microsoft.com/l/meetup-join/19%3a/0?context=%7b%7d)');
    });
    it('percent-encodes what would end the destination, and escapes the label', () => {
      assert.equal(markdownLink('[x]', 'https://a.example/b)c(d<e> f"\\'), '[\\[x\\]](https://a.example/b%29c%28d%3Ce%3E%20f%22%5C)');
    });
  });

  describe('bulletList', () => {
    it('makes one item per (already escaped) line', () => {
      assert.equal(bulletList(['a', inlineText('12. marts')]), `- a\n- 12.${NBSP}marts`);
      assert.equal(bulletList([]), '');
    });
  });
  describe('one line takes the short way, with the same result', () => {
    const oneLiners = ['', '   ', 'Anna', '  Anna Hansen  ', '12. marts 1988', '- x', '#', '1.', '> quote', '**bold** <at>x</at> &copy; {{DATE(2020)}}', 'a\tb', 'x\u0007y', '|a|_b_~c~', '\u2028'];
    for (const value of oneLiners) {
      it(`${JSON.stringify(value)} as if it had a trailing line break`, () => {
        // A trailing empty line is dropped, so these take the multi-line path to the same text.
        assert.equal(plainText(value), plainText(`${value}\n`));
        assert.equal(inlineText(value), inlineText(`${value}\r\n`));
      });
    }
  });
});
