/**
 * HTTP request handler for the embedded Cosmos store.
 *
 * @vercel/cosmosdb-server's own createHttp(s)Server keeps its `Account` in a closure, so
 * persistence could not reach the data. We therefore build the server from the package's
 * `Account` and route table and do the (small) response framing here, which also lets us
 * advertise the real endpoint (the package always claims https) and keep connections alive.
 */
import type { IncomingMessage, ServerResponse } from 'http';
import { randomUUID } from 'crypto';
import type Account from '@vercel/cosmosdb-server/lib/account';
import routes from '@vercel/cosmosdb-server/lib/routes';
import { errorFields, type Logger } from '../../logger';
import { scopeToRequestedPartition, type PartitionLookup } from './partitionScope';
import { isQueryPlanRequest } from './requestKind';
import { queryPlanBody } from './queryPlan';

type RouteHandler = (
  account: Account,
  req: IncomingMessage,
  res: ServerResponse,
  params: Record<string, string>,
) => Promise<unknown> | unknown;

/** What the handler needs from its owner. */
export interface RequestHandlerHooks {
  account: Account;
  logger: Logger;
  partitionOf: PartitionLookup;
  /** Persistent mode: responses wait until what they saw is on disk (durability.ts). */
  durable?: {
    currentSeq(): number;
    waitFor(seq: number): Promise<void> | undefined;
  };
  /** True once shutdown began, so keep-alive connections get closed. */
  isClosing(): boolean;
}

const UNAVAILABLE = {
  code: 'ServiceUnavailable',
  message: 'The embedded store could not save to disk, so this request changed nothing. See GET /healthz and the log.',
};

const QUERY_METRICS =
  'totalExecutionTimeInMs=0.00;queryCompileTimeInMs=0.00;queryLogicalPlanBuildTimeInMs=0.00;' +
  'queryPhysicalPlanBuildTimeInMs=0.00;queryOptimizationTimeInMs=0.00;VMExecutionTimeInMs=0.00;' +
  'indexLookupTimeInMs=0.00;documentLoadTimeInMs=0.00;systemFunctionExecuteTimeInMs=0.00;' +
  'userFunctionExecuteTimeInMs=0.00;retrievedDocumentCount=0;retrievedDocumentSize=0;outputDocumentCount=1;' +
  'outputDocumentSize=0;writeOutputTimeInMs=0.00;indexUtilizationRatio=0.00';

/** Builds the `(req, res)` listener serving the Cosmos REST API from `hooks.account`. */
export function createRequestHandler(hooks: RequestHandlerHooks): (req: IncomingMessage, res: ServerResponse) => void {
  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const route = routes(req) as [Record<string, string>, RouteHandler] | undefined;
    let body: unknown;
    if (!route) {
      res.statusCode = 400;
      body = { message: 'no route' };
    } else if (isQueryPlanRequest(req)) {
      // Answered as Azure's gateway would for a query it needs no client pipeline for (queryPlan.ts),
      // without touching data: the package would run the query over the whole container instead.
      res.setHeader('content-type', 'application/json');
      res.setHeader('x-ms-activity-id', randomUUID());
      res.setHeader('x-ms-request-charge', '0');
      if (hooks.isClosing()) res.setHeader('connection', 'close');
      res.end(queryPlanBody());
      return;
    } else {
      const [params, routeHandler] = route;
      try {
        body = await routeHandler(scopeToRequestedPartition(hooks.account, req, params, hooks.partitionOf), req, res, params);
      } catch (err) {
        hooks.logger.error('embedded_cosmos.request_failed', { method: req.method, ...errorFields(err) });
        res.statusCode = 500;
        body = { message: err instanceof Error ? err.message : 'internal error' };
      }
      // Writes, failed writes (a batch may have half-applied) and reads alike: whatever this answer
      // reflects must be on disk first. If it had to be undone instead, the answer is a refusal.
      const waiting = hooks.durable?.waitFor(hooks.durable.currentSeq());
      if (waiting) {
        try {
          await waiting;
        } catch {
          res.statusCode = 503;
          res.removeHeader('x-ms-continuation');
          res.removeHeader('x-ms-item-count');
          body = { ...UNAVAILABLE };
        }
      }
      const record = body as { message?: unknown } | undefined;
      if (res.statusCode > 399 && record && typeof record === 'object' && !record.message) record.message = '';
    }
    const etag = (body as { _etag?: unknown } | undefined)?._etag;
    if (typeof etag === 'string') res.setHeader('etag', etag);
    res.setHeader('content-type', 'application/json');
    res.setHeader('x-ms-activity-id', randomUUID());
    res.setHeader('x-ms-request-charge', '1');
    if (req.headers['x-ms-documentdb-populatequerymetrics']) res.setHeader('x-ms-documentdb-query-metrics', QUERY_METRICS);
    // The package fakes an always-empty change feed this way; kept so clients behave the same.
    if (req.headers['a-im'] && res.statusCode === 200) {
      if (req.headers['if-none-match']) res.statusCode = 304;
      res.setHeader('etag', '1');
    }
    if (hooks.isClosing()) res.setHeader('connection', 'close');
    res.end(body === undefined ? undefined : JSON.stringify(body));
  };
  return (req, res) => {
    handle(req, res).catch((err: unknown) => {
      hooks.logger.error('embedded_cosmos.response_failed', errorFields(err));
      if (!res.headersSent) res.statusCode = 500;
      if (!res.writableEnded) res.end();
    });
  };
}
