/**
 * Signed, expiring links (the .ics invitations, the plan as a document): the
 * link is the only credential, so it carries ids only, is HMAC-SHA256-signed
 * and expires. What a link is for is each capability's own claims schema;
 * whether it still applies (revocation) is each capability's own rule.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';

const expirySchema = z.object({ e: z.number().int().positive() });

/**
 * A key for one kind of link derived from the shared link secret, so a token
 * made for one kind can never be presented as another.
 */
export function linkKey(secret: Buffer, purpose: string): Buffer {
  return createHmac('sha256', secret).update(`samspil-link:${purpose}`).digest();
}

/** Tokens for one kind of link: base64url JSON claims (plus the expiry `e`) and their signature. */
export class SignedLinks<S extends z.AnyZodObject> {
  constructor(
    private readonly key: Buffer,
    private readonly claims: S,
    private readonly ttlMs: number,
    private readonly now: () => Date = () => new Date(),
  ) {
    if (ttlMs <= 0) throw new Error('SignedLinks needs a positive lifetime');
  }

  /** The payload and signature of a link for these claims, expiring ttlMs from now ("<payload>/<signature>" in a URL). */
  token(claims: z.input<S>): { payload: string; signature: string; expiresAt: Date } {
    const expiresAt = new Date(this.now().getTime() + this.ttlMs);
    const payload = Buffer.from(JSON.stringify({ ...claims, e: expiresAt.getTime() })).toString('base64url');
    return { payload, signature: this.sign(payload), expiresAt };
  }

  /** The claims of a well-formed, correctly signed, unexpired token; undefined for anything else. */
  verify(payload: string, signature: string): z.output<S> | undefined {
    if (!/^[A-Za-z0-9_-]{1,1000}$/.test(payload) || !/^[A-Za-z0-9_-]{43}$/.test(signature)) return undefined;
    const expected = Buffer.from(this.sign(payload));
    const given = Buffer.from(signature);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) return undefined;
    let json: unknown;
    try {
      json = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    } catch {
      return undefined;
    }
    const expiry = expirySchema.safeParse(json);
    if (!expiry.success || expiry.data.e < this.now().getTime()) return undefined;
    const claims = this.claims.safeParse(json);
    return claims.success ? claims.data : undefined;
  }

  private sign(payload: string): string {
    return createHmac('sha256', this.key).update(payload).digest('base64url');
  }
}
