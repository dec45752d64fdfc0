/**
 * Bench: a deviation report → the coordinator's card sent, on the embedded
 * store. Ole reports on his action (urgent and normal in turn) from the report
 * form; the time runs from his click until the coordinator's card arrives at
 * the (fake) connector – the outbox's real dispatcher loop in between.
 * Reports start 500 ms apart: faster, the coordinator's chat would pass Teams'
 * per-conversation limit (7 messages in 2 s), which the outbox keeps by
 * deferring – a wait no coordinator meets in practice.
 */
import { performance } from 'node:perf_hooks';
import { NINA, OLE, TestBot, actionData, cardsOf, inChatOf, textOf } from '../support/testBot';
import { OLE_ACTION, planWithOleAction } from '../support/deviationScenario';

const SPACING_MS = 500;

/** Latencies (ms) of `n` reports, one after the other. */
export async function deviationReportLatencies(n: number): Promise<number[]> {
  const bot = await new TestBot().start();
  try {
    await planWithOleAction(bot);
    const [tasks] = cardsOf(inChatOf(OLE, await bot.say(OLE, 'mine opgaver')));
    const latencies: number[] = [];
    let lastStart = -Infinity;
    for (let i = 0; i < n; i++) {
      await new Promise((r) => setTimeout(r, Math.max(0, lastStart + SPACING_MS - performance.now())));
      lastStart = performance.now();
      const form = (await bot.execute(OLE, 'deviation', actionData(tasks, 'reportForm', (d) => d.actionId === OLE_ACTION))).card;
      const before = bot.connector.sent.length;
      const started = performance.now();
      const urgency = i % 2 ? 'normal' : 'urgent';
      await bot.execute(OLE, 'deviation', { ...actionData(form, 'report'), what: `Afvigelse ${i}`, category: 'other', urgency, suggestion: '' });
      for (;;) {
        const arrived = inChatOf(NINA, bot.connector.sent.slice(before)).some((s) => s.method === 'POST' && textOf(s.activity).includes(`Afvigelse ${i}`));
        if (arrived) break;
        if (performance.now() - started > 30_000) throw new Error('the coordinator\'s card did not arrive');
        await new Promise((r) => setTimeout(r, 2));
      }
      latencies.push(performance.now() - started);
    }
    return latencies;
  } finally {
    await bot.stop();
  }
}
