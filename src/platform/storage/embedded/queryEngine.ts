/**
 * Makes the embedded store's query engine (@zeit/cosmosdb-query, used by
 * @vercel/cosmosdb-server) linear in the documents a query scans.
 *
 * The engine compiles SQL to JavaScript whose FROM clause is
 * `docs.reduce(($, c) => typeof c !== "undefined" ? [...$, { c }] : $, [])`:
 * every document copies the working array built so far, so a query over a
 * partition of n documents costs n²/2 copies (1,000 plans: half a million,
 * the largest part of "mine planer" at 50 × 1,000 plans). It also compiles
 * the generated code with `new Function` on every execution. Here the
 * generated syntax tree is rewritten so the accumulator is appended to in
 * place – it always starts as the reduce's own fresh `[]`, so nothing else
 * can see it change – and the compiled function is kept with the parsed
 * query (the server caches 100 parsed queries). Results are the same: the
 * package's own query tests are not affected, and
 * test/integration/platform/storage/embeddedCosmos.test.ts runs the queries
 * Samspil makes.
 *
 * Applied once, when this module is first imported (embeddedCosmos.ts).
 */
import { createRequire } from 'module';

type Node = { type: string; [key: string]: unknown };
type Executor = (...args: unknown[]) => unknown;
interface QueryInstance {
  ast: unknown;
  _code: string | null;
  _compiled?: Executor;
}
interface ExecOptions {
  parameters?: { name: string; value: unknown }[];
  udf?: Record<string, unknown>;
  maxItemCount?: number;
  continuation?: unknown;
  compositeIndexes?: unknown;
}

const PATCHED = Symbol.for('samspil.embeddedQueryEngine');

const isAccumulator = (n: unknown): boolean => {
  const node = n as Node | null;
  return node?.type === 'SpreadElement' && (node.argument as Node | undefined)?.type === 'Identifier' && (node.argument as Node).name === '$';
};

/** `[...$, x]` → `$h.samspilAppend($, x)`; `[...$, ...xs]` → `$h.samspilAppendAll($, xs)` (the FROM clause's two shapes). */
function rewrite(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(rewrite);
  if (!node || typeof node !== 'object') return node;
  const n = node as Node;
  for (const key of Object.keys(n)) n[key] = rewrite(n[key]);
  const elements = n.elements as unknown[] | undefined;
  if (n.type !== 'ArrayExpression' || elements?.length !== 2 || !isAccumulator(elements[0])) return n;
  const last = elements[1] as Node;
  const spread = last.type === 'SpreadElement';
  return {
    type: 'CallExpression',
    callee: { type: 'MemberExpression', object: { type: 'Identifier', name: '$h' }, property: { type: 'Identifier', name: spread ? 'samspilAppendAll' : 'samspilAppend' }, computed: false },
    arguments: [{ type: 'Identifier', name: '$' }, spread ? last.argument : last],
  };
}

/** Patches @zeit/cosmosdb-query as loaded by @vercel/cosmosdb-server (idempotent). */
export function installLinearQueryEngine(): void {
  const fromServer = createRequire(require.resolve('@vercel/cosmosdb-server/lib/account/items'));
  const queryMain = fromServer.resolve('@zeit/cosmosdb-query');
  const fromQuery = createRequire(queryMain);
  const factory = (fromQuery(queryMain) as { default: (q: string) => object }).default;
  const proto = Object.getPrototypeOf(factory('SELECT * FROM c')) as Record<PropertyKey, unknown>;
  if (proto[PATCHED]) return;
  const transform = (fromQuery('./transformer') as { default: (ast: unknown) => Node }).default;
  const generate = (fromQuery('@babel/generator') as { default: (ast: unknown) => { code: string } }).default;
  const helpers = fromQuery('./helpers') as Record<string, unknown>;
  const aggregates = fromQuery('./aggregate-functions') as unknown;
  const builtins = fromQuery('./builtin-functions') as Record<string, unknown>;
  // ARRAY_CONTAINS(list, a string, number or boolean) – every membership query, per document: the
  // package checks argument types through rest parameters and compares deeply; for a plain value
  // that is `includes` (no NaN: the package's === never matches it, `includes` would).
  const arrayContains = builtins.ARRAY_CONTAINS as (...args: unknown[]) => unknown;
  builtins.ARRAY_CONTAINS = function ARRAY_CONTAINS(...args: unknown[]): unknown {
    const [list, value] = args;
    const plain = typeof value === 'string' || typeof value === 'boolean' || (typeof value === 'number' && !Number.isNaN(value));
    return args.length === 2 && Array.isArray(list) && plain ? list.includes(value) : arrayContains(...args);
  };
  helpers.samspilAppend = <T>(acc: T[], item: T): T[] => {
    acc.push(item);
    return acc;
  };
  helpers.samspilAppendAll = <T>(acc: T[], items: readonly T[]): T[] => {
    for (const item of items) acc.push(item);
    return acc;
  };
  Object.defineProperty(proto, 'code', {
    configurable: true,
    get(this: QueryInstance): string {
      if (!this._code) this._code = generate(rewrite(transform(this.ast))).code;
      return this._code;
    },
  });
  Object.defineProperty(proto, 'exec', {
    configurable: true,
    writable: true,
    value(this: QueryInstance & { code: string }, collection: unknown[], options: ExecOptions = {}): unknown {
      // Compiled once per parsed query, as the package's executor would on every call.
      this._compiled ??= new Function(`"use strict";return (${this.code})`)() as Executor;
      const params: Record<string, unknown> = {};
      for (const { name, value } of options.parameters ?? []) params[name.slice(1)] = value;
      return this._compiled(aggregates, builtins, collection, helpers, options.udf ?? {}, params, options.maxItemCount, options.continuation, options.compositeIndexes);
    },
  });
  proto[PATCHED] = true;
}

installLinearQueryEngine();
