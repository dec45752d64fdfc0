/**
 * A counting HTTP proxy in front of a Cosmos endpoint: the real @azure/cosmos client
 * talks to it as to the account, and each request it forwards is recorded (method,
 * path, and whether it was a query or a query-plan request). Measures how many Cosmos
 * requests a piece of code makes, e.g. the scheduler over an idle period, without
 * touching the server. Loopback only; plain http (the embedded server's default).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { CosmosClientOptions } from '@azure/cosmos';

export interface CountedRequest {
  method: string;
  path: string;
  /** A query (`x-ms-documentdb-isquery`), a query-plan request, or neither. */
  kind: 'query' | 'queryPlan' | 'other';
  /** The partition key header, when the request named one. */
  partitionKey?: string;
}

export interface CosmosRequestCounter {
  /** Client options that send every request through the counter. */
  clientOptions(): CosmosClientOptions;
  readonly requests: CountedRequest[];
  reset(): void;
  close(): Promise<void>;
}

/** Starts a counting proxy for `target` (options of a client for the real endpoint). */
export async function startCosmosRequestCounter(target: CosmosClientOptions): Promise<CosmosRequestCounter> {
  const upstream = new URL(target.endpoint!);
  const requests: CountedRequest[] = [];
  const agent = new http.Agent({ keepAlive: true });
  const server = http.createServer((req, res) => {
    const header = (name: string): string | undefined => {
      const v = req.headers[name];
      return Array.isArray(v) ? v[0] : v;
    };
    const flag = (name: string): boolean => header(name)?.toLowerCase() === 'true';
    const kind = flag('x-ms-cosmos-is-query-plan-request') ? 'queryPlan' : flag('x-ms-documentdb-isquery') ? 'query' : 'other';
    requests.push({ method: req.method ?? '', path: (req.url ?? '').split('?')[0]!, kind, partitionKey: header('x-ms-documentdb-partitionkey') });
    const forward = http.request(
      { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: { ...req.headers, host: upstream.host }, agent },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    forward.on('error', () => {
      res.writeHead(502);
      res.end();
    });
    req.pipe(forward);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    clientOptions: () => ({ ...target, endpoint: `http://127.0.0.1:${port}/`, connectionPolicy: { ...target.connectionPolicy, enableEndpointDiscovery: false } }),
    requests,
    reset: () => void requests.splice(0),
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      agent.destroy();
    },
  };
}
