/** The bot's command table as the application builds it, for tests that parse message text. */
import { COMMAND_WORDS } from '../../src/capabilities';
import { CommandTable, HELP_WORDS } from '../../src/platform/bot/commands';

const table = new CommandTable([
  { name: 'help', words: HELP_WORDS, run: async () => undefined },
  ...Object.entries(COMMAND_WORDS).map(([name, words]) => ({ name, words, run: async () => undefined })),
]);

/** The name of the command a welcome/help card button payload names, or undefined when it is refused. */
export function buttonCommand(data: unknown): string | undefined {
  return table.button(data)?.command.name;
}

/** The name of the command a message text starts, or undefined. */
export function parseCommand(text: string | undefined): string | undefined {
  return table.parse(text)?.name;
}
