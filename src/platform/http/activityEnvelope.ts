/**
 * The request body of POST /api/messages, read and parsed once at the edge: the
 * parts of a Bot Framework activity that authentication, the channel and tenant
 * checks and botbuilder itself rely on. Everything else passes through untouched
 * for the handlers, which parse what they use (src/platform/bot/turn.ts, payloads).
 */
import type { IncomingMessage } from 'node:http';
import type { Activity } from 'botbuilder';
import { z } from 'zod';

/** Teams activities are far smaller; anything bigger is refused before parsing. */
export const MAX_BODY_BYTES = 512 * 1024;

const id = z.string().min(1).max(1024);
const shortText = z.string().max(256);
const account = z.object({ id, name: z.string().max(1024).optional(), aadObjectId: shortText.optional() }).passthrough();
const objects = z.array(z.record(z.unknown())).max(1000);

const envelopeSchema = z
  .object({
    type: z.string().min(1).max(64),
    id: z.string().max(1024).optional(),
    name: shortText.optional(),
    channelId: z.string().min(1).max(64),
    // The token's `serviceurl` claim is checked against it: it must be there, and be an address.
    serviceUrl: z.string().max(2048).url().regex(/^https?:\/\//i),
    from: account,
    recipient: account,
    conversation: z.object({ id, tenantId: shortText.optional(), conversationType: z.string().max(64).optional() }).passthrough(),
    channelData: z.object({ tenant: z.object({ id: shortText }).passthrough().optional() }).passthrough().optional(),
    text: z.string().optional(),
    locale: z.string().max(64).optional(),
    timestamp: z.string().max(64).optional(),
    localTimestamp: z.string().max(64).optional(),
    expiration: z.string().max(64).optional(),
    attachments: objects.optional(),
    entities: objects.optional(),
    membersAdded: z.array(account).max(1000).optional(),
    membersRemoved: z.array(account).max(1000).optional(),
  })
  .passthrough();

export type ActivityEnvelope = z.infer<typeof envelopeSchema>;

/** Why a body was refused (a code for the log). */
export type BadBody = 'tooLarge' | 'notJson' | 'notAnActivity';

/** The activity in a parsed JSON body, or why it is not one (the first failing field's name, never its value). */
export function parseEnvelope(body: unknown): { ok: true; activity: ActivityEnvelope } | { ok: false; reason: BadBody; field?: string } {
  const parsed = envelopeSchema.safeParse(body);
  if (parsed.success) return { ok: true, activity: parsed.data };
  const field = parsed.error.issues[0]?.path[0];
  return { ok: false, reason: 'notAnActivity', field: typeof field === 'string' ? field : undefined };
}

/** The envelope as botbuilder's Activity: timestamps become Dates, as botbuilder's own reader (validateAndFixActivity) does. */
export function toBotActivity(envelope: ActivityEnvelope): Partial<Activity> {
  const activity: Record<string, unknown> = { ...envelope };
  for (const key of ['timestamp', 'localTimestamp', 'expiration'] as const) {
    const raw = envelope[key];
    if (raw === undefined) continue;
    activity[`raw${key[0]!.toUpperCase()}${key.slice(1)}`] = raw;
    activity[key] = new Date(raw);
  }
  // The envelope checked every field botbuilder and teams-ai dereference; the handlers parse the rest.
  return activity as Partial<Activity>;
}

/**
 * Reads a JSON body of at most `maxBytes`. A larger one is not read further
 * (the declared length is checked before reading a byte).
 */
export function readJsonBody(req: IncomingMessage, maxBytes = MAX_BODY_BYTES): Promise<{ ok: true; body: unknown } | { ok: false; reason: BadBody }> {
  return new Promise((resolve) => {
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > maxBytes) {
      req.resume();
      resolve({ ok: false, reason: 'tooLarge' });
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    const finish = (result: { ok: true; body: unknown } | { ok: false; reason: BadBody }) => {
      if (done) return;
      done = true;
      resolve(result);
    };
    req.on('data', (chunk: Buffer) => {
      if (done) return;
      size += chunk.length;
      if (size > maxBytes) {
        // Drain without keeping anything; the answer goes out at once.
        chunks.length = 0;
        finish({ ok: false, reason: 'tooLarge' });
        return;
      }
      chunks.push(chunk);
    });
    req.on('error', () => finish({ ok: false, reason: 'notJson' }));
    req.on('end', () => {
      try {
        finish({ ok: true, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown });
      } catch {
        finish({ ok: false, reason: 'notJson' });
      }
    });
  });
}
