/** "Hent som Word" on the overview card and the command `hent plan`: the card with the document's links. */
import { CardFactory } from 'botbuilder';
import { z } from 'zod';
import type { Turn } from '../../platform/bot/turn';
import type { AdaptiveCardJson } from '../../platform/cards/render';
import { noticeCard } from '../../platform/cards/views';
import type { Logger } from '../../platform/logger';
import { documentRecipients } from '../domain/planDocument';
import type { PlanDocumentService } from '../document/documentService';
import { planDocumentCard } from './documentViews';
import type { Answer, PlanHandlers } from './planHandlers';
import { parseCardPayload } from '../../platform/bot/cardPayload';

/** The overview card's button (verb "planDocument"). */
export const documentPayloadSchema = z.object({ action: z.literal('links'), planId: z.string().uuid() });

export class DocumentHandlers {
  constructor(
    private readonly documents: PlanDocumentService,
    private readonly overview: PlanHandlers,
    private readonly log: Logger,
  ) {}

  /** "Hent som Word": the links card in place of the overview, or a notice saying why not. */
  async act(turn: Turn, data: unknown): Promise<AdaptiveCardJson> {
    const parsed = parseCardPayload(documentPayloadSchema, data, 'planDocument', turn, this.log);
    if (!parsed.ok) return parsed.answer;
    return this.linksCard(turn, parsed.data.planId);
  }

  /** `hent plan`: with one plan to download, its links card; otherwise the overview cards to pick from. */
  async command(turn: Turn): Promise<Answer> {
    const listed = await this.overview.listed(turn);
    const available = listed.plans.filter((p) => documentRecipients(p, turn.user.userId).length > 0);
    if (available.length === 1) return { attachments: [CardFactory.adaptiveCard(await this.linksCard(turn, available[0]!.id))] };
    const answer = await this.overview.overview(turn, listed.plans, listed.more);
    return listed.plans.length > 1 ? { ...answer, text: [turn.loc.t.document.pickPlan, answer.text].filter(Boolean).join('\n\n') } : answer;
  }

  private async linksCard(turn: Turn, planId: string): Promise<AdaptiveCardJson> {
    const { t } = turn.loc;
    const outcome = await this.documents.linksFor(turn.user, planId, turn.loc.language);
    this.log.info('document.links', { outcome: outcome.kind, links: outcome.kind === 'ok' ? outcome.links.length : 0 });
    if (outcome.kind === 'denied') return noticeCard(t.notices.denied, 'Attention');
    if (outcome.kind === 'unavailable') return noticeCard(t.document.notAvailable, 'Warning');
    return planDocumentCard(outcome.plan, outcome.links, outcome.expiresAt, turn.loc, turn.user.userId);
  }
}
