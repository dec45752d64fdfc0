/**
 * Signed, expiring links to a contact's .ics file: the organiser downloads the
 * file from the card and sends it by secure mail. The link is the only
 * credential, so it carries ids only, is HMAC-signed, and expires
 * (src/platform/http/signedLinks.ts). It names the meeting's sequence and
 * whether it is the invitation or the cancellation, so a move or a
 * cancellation revokes it (see isLinkCurrent).
 */
import { z } from 'zod';
import { SignedLinks } from '../../platform/http/signedLinks';
import type { IcsLinkTarget } from '../domain/invitationFile';

const claimsSchema = z.object({
  t: z.string().min(1).max(256),
  m: z.string().uuid(),
  c: z.string().regex(/^[A-Za-z0-9-]{1,64}$/),
  s: z.number().int().min(0).max(1_000_000),
  k: z.enum(['i', 'c']),
});

/** Seven days: long enough to send the invitation, short enough not to linger in mail archives. */
export const ICS_LINK_TTL_MS = 7 * 24 * 3600_000;

export class IcsLinks {
  private readonly tokens: SignedLinks<typeof claimsSchema>;

  constructor(
    secret: Buffer,
    private readonly baseUrl: string,
    now: () => Date = () => new Date(),
  ) {
    // Signed with the secret itself (not a derived key): links sent before the shared helper existed stay valid.
    this.tokens = new SignedLinks(secret, claimsSchema, ICS_LINK_TTL_MS, now);
  }

  /** The download link for one contact's file of one version of the meeting. */
  url(target: IcsLinkTarget): string {
    const { payload, signature } = this.tokens.token({
      t: target.tenantId,
      m: target.meetingId,
      c: target.contactId,
      s: target.sequence,
      k: target.kind === 'cancellation' ? 'c' : 'i',
    });
    return `${this.baseUrl.replace(/\/$/, '')}/ics/${payload}/${signature}`;
  }

  /** What a valid, unexpired link is for; undefined for anything else. */
  verify(payload: string, signature: string): IcsLinkTarget | undefined {
    const claims = this.tokens.verify(payload, signature);
    if (!claims) return undefined;
    const { t, m, c, s, k } = claims;
    return { tenantId: t, meetingId: m, contactId: c, sequence: s, kind: k === 'c' ? 'cancellation' : 'invitation' };
  }
}
