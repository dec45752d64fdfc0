import assert from 'node:assert/strict';
import { Language, format, formatDate, formatDateTime, languageOf, localeOf, textsFor, todayIn } from '../../../../src/platform/i18n';

/** Every leaf key path of a texts object, e.g. "errors.required". */
function keyPaths(obj: unknown, prefix = ''): string[] {
  if (typeof obj !== 'object' || obj === null) return [prefix];
  return Object.entries(obj).flatMap(([k, v]) => keyPaths(v, prefix ? `${prefix}.${k}` : k));
}
function leaf(obj: unknown, path: string): unknown {
  return path.split('.').reduce<unknown>((o, k) => (o as Record<string, unknown>)[k], obj);
}
const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

const LANGUAGES: Language[] = ['da', 'en', 'sv'];

describe('i18n', () => {
  describe('languageOf', () => {
    const cases: Array<[string | undefined, Language]> = [
      [undefined, 'da'],
      ['', 'da'],
      ['da', 'da'],
      ['da-DK', 'da'],
      ['en-US', 'en'],
      ['en-GB', 'en'],
      ['EN-us', 'en'],
      ['sv-SE', 'sv'],
      ['sv-FI', 'sv'],
      ['de-DE', 'da'],
      ['nb-NO', 'da'],
      ['garbage!!', 'da'],
    ];
    for (const [locale, language] of cases) it(`${JSON.stringify(locale)} → ${language}`, () => assert.equal(languageOf(locale), language));
  });

  describe('texts', () => {
    const danish = keyPaths(textsFor('da')).sort();

    for (const language of ['en', 'sv'] as const) {
      it(`${language} has exactly the Danish keys`, () => assert.deepEqual(keyPaths(textsFor(language)).sort(), danish));

      it(`${language} uses the same {placeholders} as Danish in every text`, () => {
        for (const path of danish) {
          assert.deepEqual(placeholders(String(leaf(textsFor(language), path))), placeholders(String(leaf(textsFor('da'), path))), path);
        }
      });
    }

    for (const language of LANGUAGES) {
      it(`${language} has no empty text and no template expression`, () => {
        for (const path of danish) {
          const text = leaf(textsFor(language), path);
          assert.equal(typeof text, 'string', path);
          assert.ok((text as string).trim().length > 0, `${language}.${path} is empty`);
          assert.ok(!(text as string).includes('${'), `${language}.${path} contains "\${"`);
        }
      });
    }

    it('English and Swedish are actually translated (most texts differ from Danish)', () => {
      for (const language of ['en', 'sv'] as const) {
        const same = danish.filter((p) => leaf(textsFor(language), p) === leaf(textsFor('da'), p));
        assert.ok(same.length < danish.length / 10, `${language}: ${same.length} texts identical to Danish: ${same.join(', ')}`);
      }
    });

    it('format fills placeholders and leaves unknown ones', () => {
      assert.equal(format('Trin {n} af 4', { n: 2 }), 'Trin 2 af 4');
      assert.equal(format('{a} og {b}', { a: 'x' }), 'x og {b}');
    });
  });

  describe('formatDate', () => {
    const cases: Array<[string | undefined, string]> = [
      ['da-DK', '5. marts 2024'],
      ['en-GB', '5 March 2024'],
      ['en-US', 'March 5, 2024'],
      ['sv-SE', '5 mars 2024'],
      [undefined, '5. marts 2024'],
    ];
    for (const [locale, expected] of cases) {
      it(`2024-03-05 in ${locale ?? 'the default locale'} → ${expected}`, () => assert.equal(formatDate('2024-03-05', localeOf(locale)), expected));
    }

    it('shows the calendar date whatever the user’s time zone (no shift to the day before)', () => {
      for (const tz of ['America/Los_Angeles', 'Pacific/Kiritimati', 'Europe/Copenhagen']) {
        assert.equal(formatDate('1985-04-12', localeOf('en-GB', tz)), '12 April 1985');
      }
    });

    it('also takes a full timestamp and uses its date', () => assert.equal(formatDate('2026-03-10T23:59:00.000Z', localeOf('sv-SE')), '10 mars 2026'));

    it('a Danish card shows Danish month names even when the Teams client is in another (unsupported) language', () => {
      // German, French or Norwegian Teams clients get the Danish texts; a date in the middle of them must be Danish too.
      for (const locale of ['de-DE', 'fr-FR', 'nb-NO']) {
        const loc = localeOf(locale);
        assert.equal(loc.language, 'da');
        assert.equal(formatDate('2024-03-05', loc), '5. marts 2024', locale);
      }
    });

    it('an invalid locale tag from the client falls back to the language default', () => {
      assert.equal(localeOf('!!').tag, 'da-DK');
      assert.equal(formatDate('2024-03-05', localeOf('!!')), '5. marts 2024');
    });
  });

  describe('time zone', () => {
    it('defaults to Europe/Copenhagen', () => {
      assert.equal(localeOf('da-DK').timeZone, 'Europe/Copenhagen');
      assert.equal(localeOf('en-US', '').timeZone, 'Europe/Copenhagen');
    });
    it('uses a valid zone from the client', () => assert.equal(localeOf('sv-SE', 'America/New_York').timeZone, 'America/New_York'));
    it('falls back for an invalid zone', () => {
      for (const tz of ['Mars/Olympus_Mons', 'GMT+25', 'not a zone']) assert.equal(localeOf('da-DK', tz).timeZone, 'Europe/Copenhagen', tz);
    });

    const midnight: Array<[string, string | undefined, string]> = [
      ['2026-06-30T22:30:00Z', undefined, '2026-07-01'],
      ['2026-06-30T21:59:00Z', undefined, '2026-06-30'],
      ['2026-12-31T23:30:00Z', undefined, '2027-01-01'],
      ['2026-12-31T22:59:00Z', undefined, '2026-12-31'],
      ['2026-07-01T02:00:00Z', 'America/New_York', '2026-06-30'],
      ['2026-07-01T02:00:00Z', 'Bogus/Zone', '2026-07-01'],
    ];
    for (const [now, tz, expected] of midnight) {
      it(`todayIn at ${now} in ${tz ?? 'Copenhagen (default)'} → ${expected}`, () => assert.equal(todayIn(localeOf('da-DK', tz), new Date(now)), expected));
    }

    it('formatDateTime shows the moment in the user’s zone', () => {
      assert.match(formatDateTime('2026-06-30T22:30:00Z', localeOf('da-DK')), /1\. jul\. 2026.*00\.30/);
      assert.match(formatDateTime('2026-06-30T22:30:00Z', localeOf('en-GB', 'Europe/London')), /30 Jun 2026.*23:30/);
    });
  });
  describe('localeOf made once per locale and zone', () => {
    it('gives each locale and zone its own language, tag and zone, asked in any order', () => {
      const pairs: Array<[string | undefined, string | undefined, Language, string, string]> = [
        ['en-US', 'America/New_York', 'en', 'en-US', 'America/New_York'],
        ['en-US', undefined, 'en', 'en-US', 'Europe/Copenhagen'],
        ['da-DK', 'America/New_York', 'da', 'da-DK', 'America/New_York'],
        ['sv-SE', 'Not/AZone', 'sv', 'sv-SE', 'Europe/Copenhagen'],
        [undefined, 'Europe/London', 'da', 'da-DK', 'Europe/London'],
        ['en-US', 'America/New_York', 'en', 'en-US', 'America/New_York'],
      ];
      for (const round of [1, 2]) {
        for (const [locale, zone, language, tag, timeZone] of pairs) {
          const loc = localeOf(locale, zone);
          assert.deepEqual({ language: loc.language, tag: loc.tag, timeZone: loc.timeZone }, { language, tag, timeZone }, `${locale} ${zone}, round ${round}`);
          assert.equal(loc.t, textsFor(language));
        }
      }
    });

    it('hands out the same frozen locale, which no turn can change for another', () => {
      const loc = localeOf('en-GB', 'Europe/London');
      assert.equal(localeOf('en-GB', 'Europe/London'), loc);
      assert.ok(Object.isFrozen(loc));
      assert.throws(() => {
        (loc as { timeZone: string }).timeZone = 'Asia/Tokyo';
      }, TypeError);
      assert.equal(localeOf('en-GB', 'Europe/London').timeZone, 'Europe/London');
    });
  });
  describe('todayIn remembered for the minute', () => {
    it('turns to the next day at midnight in each zone, to the millisecond, asked in any order', () => {
      const cph = localeOf('da-DK', 'Europe/Copenhagen');
      const ny = localeOf('en-US', 'America/New_York');
      const seq: Array<[ReturnType<typeof localeOf>, string, string]> = [
        [cph, '2026-12-31T22:59:59.999Z', '2026-12-31'],
        [ny, '2026-12-31T22:59:59.999Z', '2026-12-31'],
        [cph, '2026-12-31T23:00:00.000Z', '2027-01-01'],
        [ny, '2026-12-31T23:00:00.000Z', '2026-12-31'],
        [cph, '2026-12-31T22:59:30.000Z', '2026-12-31'],
        [ny, '2027-01-01T04:59:59.999Z', '2026-12-31'],
        [ny, '2027-01-01T05:00:00.000Z', '2027-01-01'],
        [cph, '2027-01-01T05:00:00.000Z', '2027-01-01'],
        [localeOf('da-DK', 'Pacific/Chatham'), '2026-06-30T11:15:00.000Z', '2026-07-01'],
        [localeOf('da-DK', 'Pacific/Chatham'), '2026-06-30T11:14:59.000Z', '2026-06-30'],
      ];
      for (const [loc, at, day] of seq) assert.equal(todayIn(loc, new Date(at)), day, `${loc.timeZone} at ${at}`);
    });
  });
});
