/** Process entry: read config, compose, start. */
import { loadConfigOrExit } from './config';
import { startBot } from './compose';
import { createLogger, errorFields } from './platform/logger';

async function main(): Promise<void> {
  const config = loadConfigOrExit();
  const logger = createLogger(config.logLevel, { service: 'samspil' });
  const bot = await startBot(config, logger);
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info('bot.stopping', { signal });
    bot.stop().then(
      () => process.exit(0),
      (err) => {
        logger.error('bot.stop.failed', errorFields(err));
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
}

main().catch((err) => {
  process.stderr.write(`Samspil failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
