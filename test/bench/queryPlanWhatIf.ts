/**
 * A what-if for the bench, never the default: with BENCH_WHATIF=query-plans
 * the embedded server answers @azure/cosmos's query-plan requests without
 * running the query, as Azure Cosmos DB's gateway does (it computes a plan and
 * reads no data). Today the embedded server runs each one as a query across
 * every partition of the container, which is most of what a list costs on it
 * at a few thousand documents. Imported first by botProcess.ts, before the
 * embedded server's routes are loaded; src/ is not touched.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

type Handler = (account: unknown, req: IncomingMessage, res: ServerResponse, params: unknown) => Promise<unknown>;

/** Whether this process runs the what-if. */
export const QUERY_PLAN_WHATIF = process.env.BENCH_WHATIF === 'query-plans';

if (QUERY_PLAN_WHATIF) {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const handler = require('@vercel/cosmosdb-server/lib/handler/query-documents') as { default: Handler };
  const run = handler.default;
  handler.default = async (account, req, res, params) => {
    if (String(req.headers['x-ms-cosmos-is-query-plan-request']).toLowerCase() !== 'true') return run(account, req, res, params);
    // The SDK uses a plan only when the query itself is refused; a refusal here is set aside by it unread.
    res.statusCode = 400;
    return { code: 'BadRequest', message: 'bench what-if: query plans are not computed here' };
  };
}
