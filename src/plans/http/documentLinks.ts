/**
 * Signed, expiring links to the plan as a document (GET /documents/...): the
 * link names the plan, its version, the recipient and the language, and is
 * signed with a key of its own derived from the link secret (see
 * src/platform/http/signedLinks.ts). Whether a valid link still gives
 * anything is decided when it is opened (domain/planDocument.ts).
 */
import { z } from 'zod';
import { linkKey, SignedLinks } from '../../platform/http/signedLinks';
import { DOCUMENT_LANGUAGES, DocumentLinkTarget, recipientId, recipientIdSchema, recipientOf } from '../domain/planDocument';

const claimsSchema = z.object({
  t: z.string().min(1).max(256),
  p: z.string().regex(/^[A-Za-z0-9-]{1,64}$/),
  v: z.number().int().min(1).max(1_000_000),
  r: recipientIdSchema,
  l: z.enum(DOCUMENT_LANGUAGES),
});

export const DOCUMENT_LINK_PATH = '/documents';

export class DocumentLinks {
  private readonly tokens: SignedLinks<typeof claimsSchema>;

  constructor(
    secret: Buffer,
    private readonly baseUrl: string,
    ttlMs: number,
    now: () => Date = () => new Date(),
  ) {
    this.tokens = new SignedLinks(linkKey(secret, 'plan-document'), claimsSchema, ttlMs, now);
  }

  /** The link for one recipient's copy of one version of the plan, and when it expires. */
  url(target: DocumentLinkTarget): { url: string; expiresAt: Date } {
    const { payload, signature, expiresAt } = this.tokens.token({
      t: target.tenantId,
      p: target.planId,
      v: target.version,
      r: recipientId(target.recipient),
      l: target.language,
    });
    return { url: `${this.baseUrl.replace(/\/$/, '')}${DOCUMENT_LINK_PATH}/${payload}/${signature}`, expiresAt };
  }

  /** What a valid, unexpired link names; undefined for anything else. */
  verify(payload: string, signature: string): DocumentLinkTarget | undefined {
    const c = this.tokens.verify(payload, signature);
    return c && { tenantId: c.t, planId: c.p, version: c.v, recipient: recipientOf(c.r), language: c.l };
  }
}
