/**
 * GET /documents/{payload}/{signature}: the plan as a Word file for whoever
 * holds a valid link. 404 for a link that is unknown, forged or expired, or
 * for a recipient the consent does not cover; 410 for one that was revoked
 * (the plan was closed or its consent withdrawn, a newer version exists, the
 * recipient left the network); 429 past the rate limit (per client address
 * and per link, as for the .ics links). The answers say no more than that.
 */
import type { Server } from 'restify';
import { clientIp, RateLimit } from '../../platform/http/rateLimit';
import { errorFields, Logger } from '../../platform/logger';
import type { PlanDocumentService } from '../document/documentService';
import { DOCX_MEDIA_TYPE } from '../document/docxWriter';
import { DOCUMENT_LINK_PATH, DocumentLinks } from './documentLinks';

export interface DocumentRouteDeps {
  links: Pick<DocumentLinks, 'verify'>;
  documents: Pick<PlanDocumentService, 'open'>;
  logger: Logger;
  /** Requests per client address and per link; default 30 and 10 a minute, in this process's memory. */
  limits?: { perIp: RateLimit; perLink: RateLimit };
}

// Opened from a card or a mail in any of the three languages: say it in all of them, and never why.
const NOT_VALID = 'Linket er udløbet eller ugyldigt. / The link has expired or is invalid. / Länken har gått ut eller är ogiltig.\n';
const GONE = 'Linket gælder ikke længere. Bed om et nyt. / The link no longer applies. Ask for a new one. / Länken gäller inte längre. Be om en ny.\n';
const TOO_MANY = 'For mange forsøg. Prøv igen om lidt. / Too many requests. Please try again shortly. / För många försök. Försök igen om en stund.\n';
const FAILED = 'Noget gik galt. Prøv igen om lidt. / Something went wrong. Please try again shortly. / Något gick fel. Försök igen om en stund.\n';

/** Registers the route on the server. */
export function registerDocumentRoute(server: Server, d: DocumentRouteDeps): void {
  const limits = d.limits ?? { perIp: new RateLimit(30, 60_000), perLink: new RateLimit(10, 60_000) };
  server.get(`${DOCUMENT_LINK_PATH}/:payload/:signature`, async (req, res) => {
    // Nothing here may be kept by a browser, a proxy or sent on as a referrer.
    res.setHeader('cache-control', 'no-store');
    res.setHeader('referrer-policy', 'no-referrer');
    res.setHeader('x-content-type-options', 'nosniff');
    const text = (status: number, body: string) => {
      res.setHeader('content-type', 'text/plain; charset=utf-8');
      res.sendRaw(status, body);
    };
    const signature = String(req.params.signature ?? '');
    // A link passed around or a script must not fill the audit trail or keep the bot busy writing files.
    let limited = limits.perIp.take(clientIp(req));
    if (limited.ok) limited = limits.perLink.take(signature.slice(0, 64));
    if (!limited.ok) {
      res.setHeader('retry-after', String(Math.max(1, Math.ceil(limited.retryAfterMs / 1000))));
      return text(429, TOO_MANY);
    }
    try {
      const target = d.links.verify(String(req.params.payload ?? ''), signature);
      if (!target) return text(404, NOT_VALID);
      const outcome = await d.documents.open(target);
      if (outcome.kind === 'gone') return text(410, GONE);
      if (outcome.kind === 'notFound') return text(404, NOT_VALID);
      res.setHeader('content-type', DOCX_MEDIA_TYPE);
      res.setHeader('content-disposition', `attachment; filename="${outcome.fileName}"`);
      res.sendRaw(200, outcome.file);
    } catch (err) {
      d.logger.error('document.failed', errorFields(err));
      text(500, FAILED);
    }
  });
}
