/**
 * Recipients, cards and clocks for outbox tests; pure, so the kill test's child process can
 * build exactly the same fan-out as the test.
 */
import type { OutboxActivity, PersonRecipient } from '../../src/platform/outbox/model';
import type { Clock } from '../../src/platform/outbox/clock';

export const OUTBOX_TENANT = '72f988bf-0000-4000-8000-0000000000aa';
export const OUTBOX_BOT_APP_ID = '00000000-0000-4000-8000-00000000b07a';
/** Text that must never appear in a log line. */
export const SECRET_TEXT = 'Indkaldelse til koordinerende møde for Birthe Hansen';

/** The AAD object id of test user `i`. */
export const userId = (i: number, prefix = 'a'): string => `00000000-0000-4000-8${prefix.padEnd(3, '0').slice(0, 3)}-${String(i).padStart(12, '0')}`;
/** The 1:1 conversation id (Bot Framework, `a:…`) of a user. */
export const conversationOf = (user: string): string => `a:1personal-${user}`;

/** An invitation card, as the meeting feature would render it. */
export function invitation(text = SECRET_TEXT): OutboxActivity {
  return {
    type: 'message',
    summary: 'Samspil',
    attachments: [
      {
        contentType: 'application/vnd.microsoft.card.adaptive',
        content: { type: 'AdaptiveCard', version: '1.5', body: [{ type: 'TextBlock', text, wrap: true }] },
      },
    ],
    channelData: { notification: { alert: true } },
  };
}

/** `count` recipients, each in their own 1:1 chat with the bot at `serviceUrl`. */
export function recipients(count: number, serviceUrl: string, opts: { prefix?: string; tenantId?: string; activity?: OutboxActivity } = {}): PersonRecipient[] {
  return Array.from({ length: count }, (_, i) => {
    const user = userId(i + 1, opts.prefix);
    return {
      userId: user,
      reference: {
        serviceUrl,
        channelId: 'msteams',
        conversation: { id: conversationOf(user), conversationType: 'personal', tenantId: opts.tenantId ?? OUTBOX_TENANT },
        user: { id: `29:${user}`, aadObjectId: user },
        bot: { id: `28:${OUTBOX_BOT_APP_ID}` },
      },
      activity: opts.activity ?? invitation(),
    };
  });
}

/**
 * A clock on which sleeping costs no real time: `sleep(ms)` moves "now" to at least the moment
 * the sleep would have ended. Concurrent sleepers therefore see a valid (if slightly late) schedule.
 */
export class VirtualClock implements Clock {
  constructor(public current = Date.now()) {}

  now(): number {
    return this.current;
  }

  async sleep(ms: number, signal?: AbortSignal): Promise<void> {
    const until = this.current + Math.max(0, ms);
    await Promise.resolve();
    if (!signal?.aborted) this.current = Math.max(this.current, until);
  }

  advance(ms: number): void {
    this.current += ms;
  }
}

/**
 * A clock that moves only when the test says so: `sleep` resolves once `advance` has passed its
 * end (or its signal aborts). For long idle periods measured without waiting for them.
 */
export class ManualClock implements Clock {
  private sleepers: { until: number; resolve: () => void }[] = [];

  constructor(public current = Date.now()) {}

  now(): number {
    return this.current;
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise<void>((resolve) => {
      if (signal?.aborted) return resolve();
      const abort = (): void => {
        this.sleepers = this.sleepers.filter((s) => s !== sleeper);
        resolve();
      };
      const sleeper = {
        until: this.current + Math.max(0, ms),
        resolve: () => {
          signal?.removeEventListener('abort', abort);
          resolve();
        },
      };
      this.sleepers.push(sleeper);
      signal?.addEventListener('abort', abort, { once: true });
    });
  }

  /** Moves time forward and wakes every sleeper whose time has come. */
  advance(ms: number): void {
    this.current += ms;
    const due = this.sleepers.filter((s) => s.until <= this.current);
    this.sleepers = this.sleepers.filter((s) => s.until > this.current);
    for (const s of due) s.resolve();
  }
}

/** Real time for pending I/O (Cosmos round trips on loopback) to finish. */
export const settleIo = (ms = 25): Promise<void> => new Promise((r) => setTimeout(r, ms));
