/**
 * The real bot in a process of its own, for tests that SIGKILL it: `node -r tsx/cjs
 * test/support/botChild.ts <dataDir>`. Prints `PORT <n>` once it listens; drive it with
 * `new TestBot().attach(n)` (the fake connector lives in the test process).
 */
import { loadConfig } from '../../src/config';
import { startBot } from '../../src/compose';
import { silentLogger } from '../../src/platform/logger';

async function main(): Promise<void> {
  const dataDir = process.argv[2];
  if (!dataDir) throw new Error('usage: botChild.ts <dataDir>');
  const config = loadConfig({ LOCAL_NO_AUTH: 'true', PORT: '0', DATA_DIR: dataDir, EMBEDDED_COSMOS_IN_MEMORY: 'false' });
  const bot = await startBot(config, silentLogger);
  process.stdout.write(`PORT ${bot.http.port}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`bot child failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
