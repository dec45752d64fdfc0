/**
 * Signed, expiring links to a contact's .ics file: the organiser downloads the
 * file from the card and sends it by secure mail. The link is the only
 * credential, so it carries ids only, is HMAC-signed, and expires. It names
 * the meeting's sequence and whether it is the invitation or the cancellation,
 * so a move or a cancellation revokes it (see isLinkCurrent).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import type { IcsLinkTarget } from '../domain/invitationFile';

const claimsSchema = z.object({
  t: z.string().min(1).max(256),
  m: z.string().uuid(),
  c: z.string().regex(/^[A-Za-z0-9-]{1,64}$/),
  s: z.number().int().min(0).max(1_000_000),
  k: z.enum(['i', 'c']),
  e: z.number().int().positive(),
});

/** Seven days: long enough to send the invitation, short enough not to linger in mail archives. */
export const ICS_LINK_TTL_MS = 7 * 24 * 3600_000;

export class IcsLinks {
  constructor(
    private readonly secret: Buffer,
    private readonly baseUrl: string,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** The download link for one contact's file of one version of the meeting. */
  url(target: IcsLinkTarget): string {
    const claims: z.infer<typeof claimsSchema> = {
      t: target.tenantId,
      m: target.meetingId,
      c: target.contactId,
      s: target.sequence,
      k: target.kind === 'cancellation' ? 'c' : 'i',
      e: this.now().getTime() + ICS_LINK_TTL_MS,
    };
    const payload = Buffer.from(JSON.stringify(claims)).toString('base64url');
    return `${this.baseUrl.replace(/\/$/, '')}/ics/${payload}/${this.sign(payload)}`;
  }

  /** What a valid, unexpired link is for; undefined for anything else. */
  verify(payload: string, signature: string): IcsLinkTarget | undefined {
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
    const { t, m, c, s, k } = claims.data;
    return { tenantId: t, meetingId: m, contactId: c, sequence: s, kind: k === 'c' ? 'cancellation' : 'invitation' };
  }

  private sign(payload: string): string {
    return createHmac('sha256', this.secret).update(payload).digest('base64url');
  }
}
