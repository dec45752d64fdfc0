/**
 * What the acute line's system may send, parsed with zod before anything is
 * posted: the body of POST /api/acute/messages, its Idempotency-Key header and
 * the id in GET /api/acute/messages/{id}. Errors name fields, never values.
 */
import { z } from 'zod';
import { ACUTE_URGENCIES, type AcutePostInput } from '../domain/ports';

/** The same limits as the posting card in Teams. */
export const API_LIMITS = { text: 1_000, whatToDo: 500, units: 100, id: 200, body: 16 * 1024 } as const;

// Ids as the store makes them (GUIDs, stable ids): no spaces, no markup, nothing a URL must escape.
const SAFE_ID = /^[A-Za-z0-9._:~-]+$/;
const safeId = z.string().min(1).max(API_LIMITS.id).regex(SAFE_ID);

/** The Idempotency-Key header: 1–200 characters of a safe alphabet (a UUID fits). */
export const idempotencyKeySchema = safeId;

/** The {id} of GET /api/acute/messages/{id}. */
export const messageIdSchema = safeId;

const text = (max: number) => z.string().trim().min(1).max(max);

/** The JSON body: unknown fields are refused, so a typo never silently drops what the sender meant. */
export const postBodySchema = z
  .object({
    units: z.union([z.literal('all'), z.array(safeId).min(1).max(API_LIMITS.units)]),
    text: text(API_LIMITS.text),
    urgency: z.enum(ACUTE_URGENCIES),
    whatToDo: text(API_LIMITS.whatToDo).optional(),
    // The only thing about a citizen a channel may show (a plan's reference as read aloud).
    reference: z
      .string()
      .trim()
      .toUpperCase()
      .regex(/^KIP-[0-9A-Z]{4}-[0-9A-Z]{4}$/)
      .optional(),
  })
  .strict();

export type BodyProblem = { code: 'invalidBody'; fields: string[] };

/** The body as the posting service takes it, or the fields that are wrong (paths only). */
export function parsePostBody(body: unknown): { ok: true; input: AcutePostInput } | { ok: false; problem: BodyProblem } {
  const parsed = postBodySchema.safeParse(body);
  if (!parsed.success) {
    const fields = [...new Set(parsed.error.issues.flatMap((i) => (i.code === 'unrecognized_keys' ? ['(unknown field)'] : [i.path.filter((p) => typeof p === 'string').join('.') || '(body)'])))];
    return { ok: false, problem: { code: 'invalidBody', fields } };
  }
  const b = parsed.data;
  const units = b.units === 'all' ? 'all' : [...new Set(b.units)];
  return {
    ok: true,
    input: { units, text: b.text, urgency: b.urgency, ...(b.whatToDo ? { whatToDo: b.whatToDo } : {}), ...(b.reference ? { planReference: b.reference } : {}) },
  };
}
