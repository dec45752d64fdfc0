/** Building blocks for card payload schemas: card inputs arrive as strings. */
import { z } from 'zod';

/** One input's value; 10,000 characters is far above any field's limit and stops abuse early. */
export const input = z.string().max(10_000).optional();

/** A schema with one optional string input per key. */
export function fieldsOf<K extends readonly string[]>(keys: K) {
  return z.object(Object.fromEntries(keys.map((k) => [k, input])) as Record<K[number], typeof input>);
}
