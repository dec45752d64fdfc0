/**
 * Text commands. Every language's words work whatever the locale: a Danish
 * nurse typing "help" in an English client still gets help.
 */
import { z } from 'zod';
import type { CommandRoute } from './capability';

/** Turns message text into a registered command. */
export class CommandTable {
  private readonly byWord = new Map<string, CommandRoute>();
  private readonly byName = new Map<string, CommandRoute>();

  constructor(routes: readonly CommandRoute[]) {
    for (const route of routes) {
      if (this.byName.has(route.name)) throw new Error(`command "${route.name}" registered twice`);
      this.byName.set(route.name, route);
      for (const word of route.words) {
        const key = normalise(word);
        if (this.byWord.has(key)) throw new Error(`command word "${word}" registered twice`);
        this.byWord.set(key, route);
      }
    }
  }

  /** The command a message text names, or undefined for anything else. */
  parse(text: string | undefined): CommandRoute | undefined {
    if (!text || text.length > 200) return undefined;
    const key = normalise(text.replace(/<at>[^<]*<\/at>/gi, ' '));
    return this.byWord.get(key) ?? this.byWord.get(key.replace(/[.!?]+$/u, '').trim());
  }

  /** A command that takes an argument, and the text after its words (the longest words that match win); undefined for anything else. */
  withArgument(text: string | undefined): { command: CommandRoute; argument: string } | undefined {
    if (!text || text.length > 200) return undefined;
    const key = normalise(text.replace(/<at>[^<]*<\/at>/gi, ' '));
    const words = [...this.byWord.entries()].filter(([, route]) => route.takesArgument).sort(([a], [b]) => b.length - a.length);
    const hit = words.find(([word]) => key.startsWith(`${word} `));
    return hit && { command: hit[1], argument: key.slice(hit[0].length + 1).trim() };
  }

  /** The command a welcome or help card button names, and where the button was; undefined for anything else. */
  button(data: unknown): { command: CommandRoute; from: 'welcome' | 'help' } | undefined {
    const parsed = commandPayloadSchema.safeParse(data);
    const command = parsed.success ? this.byName.get(parsed.data.command) : undefined;
    return parsed.success && command ? { command, from: parsed.data.from } : undefined;
  }
}

function normalise(text: string): string {
  return text.normalize('NFC').toLowerCase().replace(/\s+/g, ' ').trim();
}

/** The platform's own command: what the bot can do. */
export const HELP_WORDS = ['hjælp', 'hjälp', 'help', '?'] as const;

/** A command button on the welcome or help card. */
export const commandPayloadSchema = z.object({
  command: z.string().regex(/^[A-Za-z]{1,40}$/),
  from: z.enum(['welcome', 'help']),
});
