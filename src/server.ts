/**
 * The HTTP edge: POST /api/messages for the Bot Framework, GET /healthz.
 */
import * as restify from 'restify';
import type { Application, TeamsAdapter, TurnState } from '@microsoft/teams-ai';
import { errorFields, Logger } from './platform/logger';

export interface HttpServer {
  port: number;
  close(): Promise<void>;
}

export interface HttpServerOptions {
  host: string;
  port: number;
  adapter: TeamsAdapter;
  app: Application<TurnState>;
  logger: Logger;
  /** Further routes (e.g. the .ics downloads). */
  routes?: (server: restify.Server) => void;
}

/** Teams activities are far smaller; anything bigger is refused before parsing. */
const MAX_BODY_BYTES = 512 * 1024;

/** Starts restify and resolves once it listens. */
export function startHttpServer(opts: HttpServerOptions): Promise<HttpServer> {
  const { adapter, app, logger } = opts;
  // find-my-way (restify's router) drops path parameters over 100 characters; signed links are longer.
  const server = restify.createServer({ name: 'samspil', maxParamLength: 1024 } as restify.ServerOptions);
  server.use(restify.plugins.bodyParser({ maxBodySize: MAX_BODY_BYTES, mapParams: false }));

  server.post('/api/messages', async (req, res) => {
    try {
      await adapter.process(req, res, async (context) => {
        await app.run(context);
      });
    } catch (err) {
      logger.error('http.messages.failed', errorFields(err));
      if (!res.headersSent) res.send(500);
    }
  });

  opts.routes?.(server);

  server.get('/healthz', (_req, res, next) => {
    res.send(200, { status: 'ok' });
    return next();
  });

  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => {
      const address = server.address();
      resolve({
        port: address.port,
        close: () => new Promise<void>((done) => server.close(() => done())),
      });
    });
  });
}
