/**
 * End-to-end harness: the real Agents Playground (child process) + headless
 * Chromium. See README.md in this folder.
 *
 *   const s = await startSession({ botUrl });          // Playground + Chromium + page
 *   await s.chat.sendMessage('hjælp');
 *   const card = await s.chat.waitForCard('Hjælp');
 *   await s.stop();
 */
import type { Browser } from 'playwright-core';
import { launchChromium, OpenOptions, PlaygroundPage } from './browser';
import { Playground, PlaygroundOptions, startPlayground } from './playground';

export * from './browser';
export * from './cardModel';
export * from './playground';
export { ActivityRelay } from './relay';

export interface E2ESession {
  playground: Playground;
  browser: Browser;
  /** The page object for the open Playground tab. */
  chat: PlaygroundPage;
  /** Opens another tab (fresh context) on the same Playground, e.g. after `setLocale`. */
  newChat(opts?: OpenOptions): Promise<PlaygroundPage>;
  /** Closes the browser and stops the Playground. Safe to call twice. */
  stop(): Promise<void>;
}

/**
 * Starts the Playground for a running bot, launches Chromium and opens the UI
 * (which sends the installation/conversationUpdate activities). Cleans up after
 * itself and rethrows if any step fails.
 */
export async function startSession(opts: PlaygroundOptions & { open?: OpenOptions }): Promise<E2ESession> {
  let playground: Playground | undefined;
  let browser: Browser | undefined;
  const stop = async () => {
    await browser?.close().catch(() => undefined);
    browser = undefined;
    await playground?.stop();
  };
  try {
    playground = await startPlayground(opts);
    browser = await launchChromium();
    const chat = await PlaygroundPage.open(browser, playground, opts.open);
    const pg = playground;
    const br = browser;
    return { playground: pg, browser: br, chat, newChat: (o) => PlaygroundPage.open(br, pg, o ?? opts.open), stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
export * from './steps';
