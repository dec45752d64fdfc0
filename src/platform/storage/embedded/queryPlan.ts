/**
 * The answer to @azure/cosmos's query-plan request (header
 * `x-ms-cosmos-is-query-plan-request: True`), which the SDK sends beside
 * every item query and has no option to skip (4.x `QueryIterator` fetches it
 * in parallel with the query and uses it only if the query itself comes back
 * 400 with `additionalErrorInfo`, i.e. "this needs a client-side pipeline").
 *
 * Azure's gateway answers with a `PartitionedQueryExecutionInfo`: what the
 * client must do itself (ORDER BY merge, TOP, aggregates, DISTINCT across
 * partitions) and which ranges to ask. This server has one physical range
 * and evaluates every clause itself, across partitions, so the honest plan
 * is "nothing for the client to do, over the whole range" – the shape the
 * gateway gives a plain single-range query. Answering it (rather than
 * refusing it, as before) spares the SDK building an error
 * for every query; the plan is built without parsing or reading data.
 */

/** The whole hash range, as the gateway names it. */
const FULL_RANGE = { min: '', max: 'FF', isMinInclusive: true, isMaxInclusive: false } as const;

/** One frozen answer, serialised once: it does not depend on the query. */
const PLAN_BODY = JSON.stringify({
  partitionedQueryExecutionInfoVersion: 2,
  queryInfo: {
    distinctType: 'None',
    top: null,
    offset: null,
    limit: null,
    orderBy: [],
    orderByExpressions: [],
    groupByExpressions: [],
    groupByAliases: [],
    aggregates: [],
    groupByAliasToAggregateType: {},
    rewrittenQuery: '',
    hasSelectValue: false,
    hasNonStreamingOrderBy: false,
  },
  queryRanges: [FULL_RANGE],
});

/** The serialised query plan this server gives every query (see above). */
export function queryPlanBody(): string {
  return PLAN_BODY;
}
