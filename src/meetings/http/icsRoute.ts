/**
 * GET /ics/{payload}/{signature}: the calendar file for one contact not in
 * Teams (see domain/invitationFile for what it carries: never the citizen).
 * 404 for a link that is unknown, forged or expired, 410 for one that was
 * revoked (the meeting moved or was cancelled, the contact left, the plan was
 * locked or closed), 429 past the rate limit; the answers say no more than that.
 */
import type { Server } from 'restify';
import { AuditTrail } from '../../platform/audit/auditTrail';
import type { Environment } from '../../platform/identity';
import type { AuditLog } from '../../platform/ports';
import type { MeetingStore } from '../domain/ports';
import type { PlanStore } from '../../plans/domain/ports';
import { localeOf } from '../../platform/i18n';
import { errorFields, Logger } from '../../platform/logger';
import { invitationFile, isLinkCurrent } from '../domain/invitationFile';
import type { IcsLinks } from './icsLinks';
import { clientIp, RateLimit } from '../../platform/http/rateLimit';

export interface IcsRouteDeps {
  links: IcsLinks;
  plans: PlanStore;
  meetings: MeetingStore;
  audit: AuditLog;
  env: Environment;
  logger: Logger;
  /** The ORGANIZER's address when the organiser has none in the plan (CALENDAR_ORGANIZER_EMAIL). */
  fallbackOrganizerEmail?: string;
  /** Requests per client IP and per link; default 30 and 10 a minute, in this process's memory. */
  limits?: { perIp: RateLimit; perLink: RateLimit };
}

// Opened from a card in any of the three languages: say it in all of them, and never why.
const NOT_VALID = 'Linket er udløbet eller ugyldigt. / The link has expired or is invalid. / Länken har gått ut eller är ogiltig.\n';
const TOO_MANY = 'For mange forsøg. Prøv igen om lidt. / Too many requests. Please try again shortly. / För många försök. Försök igen om en stund.\n';
const FAILED = 'Noget gik galt. Prøv igen om lidt. / Something went wrong. Please try again shortly.\n';

/** Registers the route on the server. */
export function registerIcsRoute(server: Server, d: IcsRouteDeps): void {
  const limits = d.limits ?? { perIp: new RateLimit(30, 60_000), perLink: new RateLimit(10, 60_000) };
  server.get('/ics/:payload/:signature', async (req, res) => {
    const text = (status: number, body: string) => {
      res.setHeader('content-type', 'text/plain; charset=utf-8');
      res.setHeader('cache-control', 'no-store');
      res.sendRaw(status, body);
    };
    const payload = String(req.params.payload ?? '');
    const signature = String(req.params.signature ?? '');
    // Per IP first (guessing links), then per link (a link passed around); a request refused per IP does not count for the link.
    let limited = limits.perIp.take(clientIp(req));
    if (limited.ok) limited = limits.perLink.take(signature.slice(0, 64));
    if (!limited.ok) {
      res.setHeader('retry-after', String(Math.max(1, Math.ceil(limited.retryAfterMs / 1000))));
      text(429, TOO_MANY);
      return;
    }
    try {
      const target = d.links.verify(payload, signature);
      const meeting = target && (await d.meetings.get(target.tenantId, target.meetingId));
      const plan = meeting && (await d.plans.get(meeting.tenantId, meeting.planId));
      if (!target || !meeting || !plan) return text(404, NOT_VALID);
      if (!isLinkCurrent(target, meeting, plan)) return text(410, NOT_VALID);
      const loc = localeOf(meeting.organiserCard?.locale);
      const file = invitationFile(plan, meeting, { title: loc.t.meeting.title, description: loc.t.meeting.icsDescription }, {
        fallbackOrganizerEmail: d.fallbackOrganizerEmail,
        now: d.env.now(),
      });
      // One download is one look: a mail client fetching the file again and again within the window adds nothing.
      await new AuditTrail(d.audit, d.env).read({ tenantId: meeting.tenantId, userId: `link:${meeting.organiser.userId}` }, plan.id, 'meeting.icsDownloaded', `ics:${meeting.id}:${target.contactId}`, { meetingId: meeting.id, contactId: target.contactId });
      res.setHeader('content-type', file.mediaType);
      res.setHeader('content-disposition', `attachment; filename="${file.filename}"`);
      res.setHeader('cache-control', 'no-store');
      res.sendRaw(200, file.ics);
    } catch (err) {
      d.logger.error('ics.failed', errorFields(err));
      text(500, FAILED);
    }
  });
}
