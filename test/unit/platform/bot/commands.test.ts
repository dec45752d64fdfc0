import assert from 'node:assert/strict';
import { CommandTable } from '../../../../src/platform/bot/commands';
import { parseCommand } from '../../../support/commands';

type Command = string;
import { textsFor } from '../../../../src/platform/i18n';

describe('bot/commands', () => {
  const words: Array<[string, Command]> = [
    ['ny plan', 'newPlan'],
    ['new plan', 'newPlan'],
    ['start plan', 'newPlan'],
    ['mine planer', 'myPlans'],
    ['mina planer', 'myPlans'],
    ['my plans', 'myPlans'],
    ['vis plan', 'showPlan'],
    ['show plan', 'showPlan'],
    ['visa plan', 'showPlan'],
    ['fortsæt', 'continue'],
    ['fortsätt', 'continue'],
    ['continue', 'continue'],
    ['adgangslog', 'accessLog'],
    ['hvem har set planen', 'accessLog'],
    ['Hvem har set planen?', 'accessLog'],
    ['access log', 'accessLog'],
    ['åtkomstlogg', 'accessLog'],
    ['hjælp', 'help'],
    ['hjälp', 'help'],
    ['help', 'help'],
    ['?', 'help'],
  ];
  for (const [text, command] of words) {
    it(`${JSON.stringify(text)} → ${command}`, () => assert.equal(parseCommand(text), command));
  }

  const variants: Array<[string, string, Command]> = [
    ['upper case', 'NY PLAN', 'newPlan'],
    ['mixed case with Danish letters', 'FortSÆt', 'continue'],
    ['Swedish upper case', 'HJÄLP', 'help'],
    ['surrounding whitespace', '  mine planer \n', 'myPlans'],
    ['several spaces inside', 'my    plans', 'myPlans'],
    ['a tab and a non-breaking space inside', 'ny\t\u00a0plan', 'newPlan'],
    ['a trailing full stop', 'Ny plan.', 'newPlan'],
    ['trailing exclamation marks', 'hjælp!!', 'help'],
    ['trailing "..."', 'fortsæt...', 'continue'],
    ['a Teams mention before', '<at>Samspil</at> ny plan', 'newPlan'],
    ['a Teams mention after', 'help <at>Samspil</at>', 'help'],
    ['a mention with a space in the name', '<at>Samspil Bot</at>   mine planer', 'myPlans'],
    ['a mention in upper case tags', '<AT>Samspil</AT> hjælp', 'help'],
    ['decomposed æ/ä (NFD from some keyboards)', 'fortsa\u0308tt', 'continue'],
    ['a trailing full stop followed by a space', 'Hjælp. ', 'help'],
    ['punctuation before a trailing mention', 'ny plan! <at>Samspil</at>', 'newPlan'],
  ];
  for (const [label, text, command] of variants) {
    it(`${label}: ${JSON.stringify(text)} → ${command}`, () => assert.equal(parseCommand(text), command));
  }

  const unknown: Array<[string, string | undefined]> = [
    ['undefined', undefined],
    ['empty', ''],
    ['whitespace', '   '],
    ['only a mention', '<at>Samspil</at>'],
    ['a sentence containing a command', 'kan du hjælpe mig med en ny plan'],
    ['a command with extra words', 'ny plan til Jens'],
    ['a near miss', 'nyplan'],
    ['another language', 'neuer Plan'],
    ['a very long text', `help${' '.repeat(300)}`],
    ['an Object.prototype property: constructor', 'constructor'],
    ['an Object.prototype property: __proto__', '__proto__'],
    ['an Object.prototype method in lower case', 'tostring'],
  ];
  for (const [label, text] of unknown) {
    it(`${label} → undefined`, () => assert.equal(parseCommand(text), undefined));
  }

  describe('a command followed by an argument ("vis plan KIP-7K3M-Q2XD")', () => {
    const run = async () => undefined;
    const table = new CommandTable([
      { name: 'showPlan', words: ['vis plan', 'vis'], takesArgument: true, run },
      { name: 'newPlan', words: ['ny plan'], run },
    ]);
    const cases: Array<[string, string | undefined, string | undefined]> = [
      ['vis plan KIP-7K3M-Q2XD', 'showPlan', 'kip-7k3m-q2xd'],
      ['  VIS   PLAN   kip-7k3m-q2xd ', 'showPlan', 'kip-7k3m-q2xd'],
      ['<at>Samspil</at> vis plan KIP-7K3M-Q2XD', 'showPlan', 'kip-7k3m-q2xd'],
      ['vis noget andet', 'showPlan', 'noget andet'],
      ['ny plan til Jens', undefined, undefined],
      // The shorter word with an argument: the bot tries exact words first (parse), so "vis plan" alone is the command itself.
      ['vis plan', 'showPlan', 'plan'],
      ['vis', undefined, undefined],
      ['visplan KIP-7K3M-Q2XD', undefined, undefined],
      [`vis plan ${'x'.repeat(300)}`, undefined, undefined],
    ];
    for (const [text, command, argument] of cases) {
      it(`${JSON.stringify(text)} → ${command ?? 'nothing'} ${argument ?? ''}`, () => {
        const hit = table.withArgument(text);
        assert.equal(hit?.command.name, command);
        assert.equal(hit?.argument, argument);
      });
    }
  });

  for (const language of ['da', 'en', 'sv'] as const) {
    it(`every command named in the ${language} help text works`, () => {
      const named = [...textsFor(language).help.commands.matchAll(/\*\*(.+?)\*\*/g)].map((m) => m[1]!);
      assert.equal(named.length, 19); // 13, the acute line's akut, akutkanal, akutkanaler, ring akut, and the meeting's start mødet, tilknyt
      for (const word of named) assert.ok(parseCommand(word), `"${word}" from the help text is not a command`);
    });

    it(`every command suggested by the ${language} "unknown command" notice works`, () => {
      const suggested = [...textsFor(language).notices.unknownCommand.matchAll(/["“„]([^"”“]+)["”]/g)].map((m) => m[1]!);
      assert.ok(suggested.length >= 4, `found ${JSON.stringify(suggested)}`);
      for (const word of suggested) assert.ok(parseCommand(word), `"${word}" is not a command`);
    });
  }
});
