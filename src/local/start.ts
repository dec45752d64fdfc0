/**
 * `npm start`: the bot with its embedded store (data kept in DATA_DIR) plus the
 * Microsoft 365 Agents Playground to chat with it. For local use only.
 */
import { spawn } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { loadConfigOrExit } from '../config';
import { startBot } from '../compose';
import { createLogger, errorFields } from '../platform/logger';

const PLAYGROUND_PORT = Number(process.env.PLAYGROUND_PORT ?? 56150);

async function main(): Promise<void> {
  const env = { ...process.env };
  if (!env.MICROSOFT_APP_ID) {
    env.LOCAL_NO_AUTH ??= 'true';
    // The Playground always says en-US; answer in Danish unless told otherwise (LOCAL_LOCALE=sv-SE, en-GB).
    env.LOCAL_LOCALE ??= 'da-DK';
  }
  const config = loadConfigOrExit(env);
  const logger = createLogger(config.logLevel, { service: 'samspil' });
  const bot = await startBot(config, logger);
  const botUrl = `http://localhost:${bot.http.port}/api/messages`;

  const cli = path.resolve(__dirname, '..', '..', 'node_modules', '@microsoft', 'm365agentsplayground', 'cli.js');
  const playground = spawn(
    process.execPath,
    [cli, 'start', '--app-endpoint', botUrl, '--channel-id', 'msteams', '--port', String(PLAYGROUND_PORT), '--disable-telemetry'],
    {
      // Its log goes to the temp folder, not ./devTools/ in the checkout.
      env: { ...process.env, TEAMSAPPTESTER_BROWSER: 'none', M365_AGENTS_PLAYGROUND_LOGFILE: path.join(os.tmpdir(), 'samspil-playground.log') },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let announced = false;
  const announce = (chunk: Buffer) => {
    if (announced || !/listening|started|http:\/\/localhost/i.test(chunk.toString())) return;
    announced = true;
    process.stdout.write(
      `\n  Samspil is running.\n  Open http://localhost:${PLAYGROUND_PORT} in your browser to chat with the bot (try "ny plan").\n` +
        `  Data is kept in ${config.cosmos.mode === 'embedded' ? (config.cosmos.dataDir ?? 'memory only') : 'Azure Cosmos DB'}. Stop with Ctrl+C.\n\n`,
    );
  };
  playground.stdout.on('data', announce);
  playground.stderr.on('data', (c: Buffer) => process.stderr.write(c));

  let stopping = false;
  const shutdown = (code: number) => {
    if (stopping) return;
    stopping = true;
    playground.kill('SIGTERM');
    bot.stop().then(
      () => process.exit(code),
      (err) => {
        logger.error('bot.stop.failed', errorFields(err));
        process.exit(1);
      },
    );
  };
  playground.on('exit', (code) => {
    if (!stopping) logger.error('playground.exited', { code });
    shutdown(code ?? 1);
  });
  process.on('SIGINT', () => shutdown(0));
  process.on('SIGTERM', () => shutdown(0));
}

main().catch((err) => {
  process.stderr.write(`Samspil failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
