/**
 * The live meeting card's save, timed through the real bot (embedded Cosmos,
 * outbox, audit): three network members save sections of one meeting's card,
 * in turn and three at once, as during a meeting. Issue #9: p95 ≤ 150 ms.
 */
import { performance } from 'node:perf_hooks';
import { NINA, OLE, TestBot, TestUser, actionData } from '../support/testBot';
import { KARI, callMeeting, planWithNetwork } from '../support/planScenario';

/** Samples (ms) of sequential saves and of saves three at a time. */
export async function measureRecordSaves(rounds = 20): Promise<{ sequential: number[]; concurrent: number[] }> {
  const bot = await new TestBot().start();
  try {
    await planWithNetwork(bot);
    const meetingId = actionData(await callMeeting(bot), 'checklistView').meetingId as string;
    const rev = new Map<string, number>();
    const save = async (user: TestUser, section: string, fields: Record<string, string>, samples: number[]) => {
      const start = performance.now();
      const answer = await bot.execute(user, 'record', { action: 'save', meetingId, section, rev: rev.get(section) ?? 0, ids: '', ...fields });
      samples.push(performance.now() - start);
      if (answer.status !== 200) throw new Error(`save answered ${answer.status}`);
      rev.set(section, (rev.get(section) ?? 0) + 1);
    };
    const sequential: number[] = [];
    const concurrent: number[] = [];
    // Warm-up: the record is created by the first look.
    await bot.execute(NINA, 'record', { action: 'view', meetingId });
    for (let i = 0; i < rounds; i++) {
      await save(NINA, 'summary', { summary: `Opsummering ${i} ${'x'.repeat(400)}` }, sequential);
      await save(OLE, 'round', { roundShared: `Runden ${i} ${'y'.repeat(400)}` }, sequential);
      await save(KARI, 'areas', { area0: `Bolig ${i}`, area1: 'Søvn', area2: 'Arbejde' }, sequential);
    }
    for (let i = 0; i < rounds; i++) {
      await Promise.all([
        save(NINA, 'summary', { summary: `Samtidig ${i}` }, concurrent),
        save(OLE, 'round', { roundShared: `Samtidig ${i}` }, concurrent),
        save(KARI, 'areas', { area0: `Samtidig ${i}` }, concurrent),
      ]);
    }
    return { sequential, concurrent };
  } finally {
    await bot.stop();
  }
}
