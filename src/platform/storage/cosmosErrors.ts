/** Cosmos status codes the repositories react to. */
export function statusOf(err: unknown): number | undefined {
  if (typeof err === 'object' && err !== null) {
    const code = (err as { code?: unknown; statusCode?: unknown }).code ?? (err as { statusCode?: unknown }).statusCode;
    if (typeof code === 'number') return code;
  }
  return undefined;
}

export const isConflict = (err: unknown): boolean => statusOf(err) === 409;
export const isPreconditionFailed = (err: unknown): boolean => statusOf(err) === 412;
export const isNotFound = (err: unknown): boolean => statusOf(err) === 404;

/** Drops Cosmos system properties so documents read back equal what the domain wrote. */
export function stripSystem<T>(doc: T & { _rid?: unknown; _self?: unknown; _etag?: unknown; _attachments?: unknown; _ts?: unknown }): T {
  const { _rid, _self, _etag, _attachments, _ts, ...rest } = doc;
  void _rid; void _self; void _etag; void _attachments; void _ts;
  return rest as T;
}
