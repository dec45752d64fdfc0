/**
 * Bench: a meeting's new version to 50 contacts in Teams (issue #9: ≤ 3 s, under Teams' limits).
 * The real bot in this process (restify, the plans capability, the scheduler, the outbox, the
 * embedded store) with the loopback connector; the plan and its version are written through the
 * plans repository as the meeting capability writes them. Measured from the meeting's call
 * (onVersionFinished queues the durable job) to the last card – the 50 contacts' and the
 * coordinator's – accepted by the connector. `npx tsx test/bench/distribution.ts` runs it alone.
 */
import { performance } from 'node:perf_hooks';
import { ConversationReferenceStore } from '../../src/platform/conversations/conversationReferences';
import { memberIdsFor, type CarePlan, type Contact } from '../../src/plans/domain/carePlan';
import { distributionQueueOn } from '../../src/plans/notify/distribution';
import { CosmosPlanStore } from '../../src/plans/storage/planRepository';
import { TENANT, TestBot } from '../support/testBot';
import { withMeetingVersion } from '../support/versionScenario';
import { samplePlan, uuidOf } from '../unit/fixtures';

/** Milliseconds from the meeting's call to the last of `n` + 1 cards accepted by the connector. */
export async function distributionToContacts(n: number): Promise<number> {
  const bot = await new TestBot().start();
  try {
    const users = Array.from({ length: n }, (_, i) => uuidOf(70_000 + i));
    const base = samplePlan();
    const contacts: Contact[] = users.map((u, i) => ({ id: uuidOf(80_000 + i), name: `Kontakt ${i}`, role: 'Støtte', sector: 'municipality', teamsUserId: u }));
    const plan: CarePlan = { ...base, tenantId: TENANT, consent: { ...base.consent, covers: ['shareWithNetwork', 'coordinationMeetings'] }, contacts, createdBy: { userId: users[0]!, name: 'Kontakt 0' } };
    const versioned = withMeetingVersion({ ...plan, memberIds: memberIdsFor(plan) }, plan.createdBy, new Date());
    await new CosmosPlanStore(bot.bot!.store.containers.plans!).create(versioned);
    // Each contact has talked to the bot before (their personal chat is known), as in Teams.
    const references = new ConversationReferenceStore(bot.bot!.store.containers.conversations!);
    for (const u of users) {
      await references.rememberFrom({
        channelId: 'msteams', serviceUrl: bot.serviceUrl, locale: 'da-DK', from: { id: `29:${u}`, aadObjectId: u }, recipient: { id: '28:samspil-bot' },
        conversation: { id: `a:personal-${u}`, conversationType: 'personal', tenantId: TENANT }, channelData: { tenant: { id: TENANT } },
      });
    }
    const start = performance.now();
    await distributionQueueOn(bot.bot!.jobs).queue(TENANT, versioned.id, 2, users[0]!);
    const expected = n + 1;
    const deadline = Date.now() + 30_000;
    const versionCards = () => bot.connector.sent.filter((s) => s.method === 'POST' && JSON.stringify(s.activity.attachments ?? []).includes('"verb":"planVersion"')).length;
    while (versionCards() < expected) {
      if (Date.now() > deadline) throw new Error(`only ${versionCards()} of ${expected} cards after 30 s`);
      await new Promise((r) => setTimeout(r, 10));
    }
    return performance.now() - start;
  } finally {
    await bot.stop();
  }
}

if (require.main === module) {
  distributionToContacts(50)
    .then((ms) => process.stdout.write(`new version to 50 contacts: ${Math.round(ms)} ms\n`))
    .catch((err: unknown) => {
      process.stderr.write(`${String(err)}\n`);
      process.exit(1);
    });
}
