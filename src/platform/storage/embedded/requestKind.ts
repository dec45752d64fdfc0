/**
 * Classifies Cosmos REST requests the way @vercel/cosmosdb-server's router does, so that
 * persistence and partition scoping agree with the handler that will actually run.
 */
import type { IncomingMessage } from 'http';

function headerIsTrue(req: IncomingMessage, name: string): boolean {
  const value = req.headers[name];
  const values = Array.isArray(value) ? value : value === undefined ? [] : [value];
  return values.some((v) => v.toLowerCase() === 'true');
}

/** True for requests that can change stored data (everything but reads and queries). */
export function isMutatingRequest(req: IncomingMessage): boolean {
  if (req.method === 'GET' || req.method === 'HEAD' || req.method === 'OPTIONS') return false;
  const isQuery =
    req.method === 'POST' &&
    (headerIsTrue(req, 'x-ms-documentdb-isquery') || req.headers['content-type'] === 'application/query+json');
  return !isQuery;
}

/** The SDK's query-plan request (sent alongside every query; see requestHandler.ts). */
export function isQueryPlanRequest(req: IncomingMessage): boolean {
  return headerIsTrue(req, 'x-ms-cosmos-is-query-plan-request');
}
