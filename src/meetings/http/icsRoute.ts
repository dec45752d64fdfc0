/**
 * GET /ics/{payload}/{signature}: the invitation file for one contact not in Teams. The
 * summary names the plan's reference, never the citizen: the file travels by mail.
 */
import type { Server } from 'restify';
import { auditEntry } from '../../platform/audit/audit';
import type { Environment } from '../../platform/identity';
import { meetingToIcs, icsMediaType, ICS_TIME_ZONES, IcsTimeZone } from '../domain/ics';
import type { AuditLog } from '../../platform/ports';
import type { MeetingStore } from '../domain/ports';
import type { PlanStore } from '../../plans/domain/ports';
import { localeOf } from '../../platform/i18n';
import { errorFields, Logger } from '../../platform/logger';
import type { IcsLinks } from './icsLinks';

export interface IcsRouteDeps {
  links: IcsLinks;
  plans: PlanStore;
  meetings: MeetingStore;
  audit: AuditLog;
  env: Environment;
  logger: Logger;
}

/** Registers the route on the server. */
export function registerIcsRoute(server: Server, d: IcsRouteDeps): void {
  server.get('/ics/:payload/:signature', async (req, res) => {
    try {
      const claims = d.links.verify(String(req.params.payload ?? ''), String(req.params.signature ?? ''));
      const meeting = claims && (await d.meetings.get(claims.tenantId, claims.meetingId));
      const plan = meeting && (await d.plans.get(meeting.tenantId, meeting.planId));
      const contact = plan?.contacts.find((c) => c.id === claims?.contactId);
      if (!claims || !meeting || !plan || !contact) {
        // Opened from a card in any of the three languages: say it in all of them.
        res.setHeader('content-type', 'text/plain; charset=utf-8');
        res.sendRaw(404, 'Linket er udløbet eller ugyldigt. / The link has expired or is invalid. / Länken har gått ut eller är ogiltig.\n');
        return;
      }
      const loc = localeOf(meeting.organiserCard?.locale);
      const method = meeting.status === 'cancelled' ? 'CANCEL' : 'REQUEST';
      const zone: IcsTimeZone = (ICS_TIME_ZONES as readonly string[]).includes(meeting.timeZone) ? (meeting.timeZone as IcsTimeZone) : 'Europe/Copenhagen';
      const ics = meetingToIcs({
        uid: `${meeting.id}@samspil`,
        sequence: meeting.sequence,
        method,
        start: meeting.startsAt,
        durationMinutes: meeting.durationMinutes,
        timeZone: zone,
        summary: `${loc.t.meeting.title} (${plan.reference})`,
        description: meeting.agenda.map((a) => `- ${a}`).join('\n'),
        location: meeting.mode === 'inPerson' ? meeting.place : undefined,
        joinUrl: meeting.joinUrl,
        organizer: { name: meeting.organiser.name },
        attendees: [{ name: contact.name, email: contact.email }],
        now: d.env.now(),
      });
      await d.audit.record([
        auditEntry(d.env.newId(), d.env.now(), { tenantId: meeting.tenantId, userId: `link:${meeting.organiser.userId}` }, plan.id, 'meeting.read', { meetingId: meeting.id, via: 'ics' }),
      ]);
      res.setHeader('content-type', icsMediaType(method));
      res.setHeader('content-disposition', `attachment; filename="${plan.reference}.ics"`);
      res.setHeader('cache-control', 'no-store');
      res.sendRaw(200, ics);
    } catch (err) {
      d.logger.error('ics.failed', errorFields(err));
      res.setHeader('content-type', 'text/plain; charset=utf-8');
      res.sendRaw(500, 'Noget gik galt. Prøv igen om lidt. / Something went wrong. Please try again shortly.\n');
    }
  });
}
