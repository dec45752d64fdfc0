/**
 * Signed, expiring links to a contact's .ics invitation: the organiser
 * downloads the file from the card and sends it by secure mail. The link is
 * the only credential, so it carries ids only, is HMAC-signed, and expires.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';

const claimsSchema = z.object({
  t: z.string().min(1).max(256),
  m: z.string().uuid(),
  c: z.string().uuid(),
  e: z.number().int().positive(),
});
export interface IcsLinkClaims {
  tenantId: string;
  meetingId: string;
  contactId: string;
}

/** Seven days: long enough to send the invitation, short enough not to linger in mail archives. */
export const ICS_LINK_TTL_MS = 7 * 24 * 3600_000;

export class IcsLinks {
  constructor(
    private readonly secret: Buffer,
    private readonly baseUrl: string,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** The download link for one contact's invitation file. */
  url(claims: IcsLinkClaims): string {
    const payload = Buffer.from(
      JSON.stringify({ t: claims.tenantId, m: claims.meetingId, c: claims.contactId, e: this.now().getTime() + ICS_LINK_TTL_MS }),
    ).toString('base64url');
    return `${this.baseUrl.replace(/\/$/, '')}/ics/${payload}/${this.sign(payload)}`;
  }

  /** The claims of a valid, unexpired token; undefined for anything else. */
  verify(payload: string, signature: string): IcsLinkClaims | undefined {
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
    const claims = claimsSchema.safeParse(json);
    if (!claims.success || claims.data.e < this.now().getTime()) return undefined;
    return { tenantId: claims.data.t, meetingId: claims.data.m, contactId: claims.data.c };
  }

  private sign(payload: string): string {
    return createHmac('sha256', this.secret).update(payload).digest('base64url');
  }
}
