/**
 * The HTTP edge: POST /api/messages for the Bot Framework, GET /healthz.
 */
import * as restify from 'restify';
import type { Logger } from './platform/logger';

export interface HttpServer {
  port: number;
  close(): Promise<void>;
}

export interface HttpServerOptions {
  host: string;
  port: number;
  /** POST /api/messages (src/platform/http/botEdge.ts): reads its own body, answers every outcome itself. */
  messages: (req: restify.Request, res: restify.Response) => Promise<void>;
  logger: Logger;
  /** Further routes (e.g. the .ics downloads). */
  routes?: (server: restify.Server) => void;
  /** Readiness of what the bot depends on (the store); /healthz answers 503 while not ok. */
  health?: () => { ok: boolean };
}

/** Starts restify and resolves once it listens. */
export function startHttpServer(opts: HttpServerOptions): Promise<HttpServer> {
  // find-my-way (restify's router) drops path parameters over 100 characters; signed links are longer.
  const server = restify.createServer({ name: 'samspil', maxParamLength: 1024 } as restify.ServerOptions);
  // No global body parser: its errors answer in restify's words; the bot's edge reads and bounds its own body.
  server.post('/api/messages', opts.messages);

  opts.routes?.(server);

  server.get('/healthz', (_req, res, next) => {
    // The reason stays in the log: this endpoint may be reachable from outside.
    if (opts.health && !opts.health().ok) res.send(503, { status: 'unhealthy' });
    else res.send(200, { status: 'ok' });
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
