/** The card with the links to the plan as a Word document. Pure: no I/O. */
import { inlineText } from '../../platform/cards/markdown';
import { templateRenderer, type AdaptiveCardJson } from '../../platform/cards/render';
import { Locale, format, formatDateTime } from '../../platform/i18n';
import type { CarePlan, Contact } from '../domain/carePlan';
import { agreedVersion } from '../domain/planDocument';
import type { DocumentLink } from '../document/documentService';
import type { PlanCardModels } from './cardModels';

/** Role and sector, once when they say the same ("Egen læge · Egen læge"). */
function who(c: Contact, loc: Locale): string {
  return [...new Set([c.role, loc.t.enums.sector[c.sector]])].join(' · ');
}

const render = templateRenderer<PlanCardModels>();

/** The member's own link, and the organiser's links for the citizen and each contact outside Teams. */
export function planDocumentCard(plan: CarePlan, links: DocumentLink[], expiresAt: Date, loc: Locale, viewerId: string): AdaptiveCardJson {
  const { t } = loc;
  const own = links.find((l) => l.contact?.teamsUserId === viewerId);
  return render('planDocument', {
    t,
    intro: format(t.document.cardIntro, { reference: plan.reference, version: agreedVersion(plan) }),
    validity: format(t.document.validity, { date: formatDateTime(expiresAt.toISOString(), loc), version: agreedVersion(plan) }),
    ownUrl: own?.url ?? '',
    citizenUrl: links.find((l) => l.recipient.kind === 'citizen')?.url ?? '',
    contacts: links
      .filter((l) => l !== own && l.contact)
      // One short line and a short button per contact: a full network (30) stays well under Teams' 28 KB.
      .map((l) => ({ line: `**${inlineText(l.contact!.name)}** – ${inlineText(who(l.contact!, loc))}`, url: l.url })),
  });
}
