/**
 * Text commands. Every language's words work whatever the locale: a Danish
 * nurse typing "help" in an English client still gets help.
 */
export type Command = 'newPlan' | 'myPlans' | 'continue' | 'help' | 'invite';

const WORDS = new Map<string, Command>(Object.entries({
  'ny plan': 'newPlan',
  'new plan': 'newPlan',
  'start plan': 'newPlan',
  'mine planer': 'myPlans',
  'mina planer': 'myPlans',
  'my plans': 'myPlans',
  'fortsæt': 'continue',
  'fortsätt': 'continue',
  'continue': 'continue',
  'hjælp': 'help',
  'hjälp': 'help',
  'help': 'help',
  '?': 'help',
  'indkald': 'invite',
  'indkald til møde': 'invite',
  'invite': 'invite',
  'kalla': 'invite',
  'kalla till möte': 'invite',
} satisfies Record<string, Command>));

/** Maps a message text to a command; undefined for anything else. */
export function parseCommand(text: string | undefined): Command | undefined {
  if (!text || text.length > 200) return undefined;
  const normalised = text
    .replace(/<at>[^<]*<\/at>/gi, ' ')
    .normalize('NFC')
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .trim();
  return WORDS.get(normalised) ?? WORDS.get(normalised.replace(/[.!?]+$/u, '').trim());
}
