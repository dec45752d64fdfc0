/** Parsing a card button's data at the edge: the one answer to a forged or broken card. */
import type { z } from 'zod';
import type { AdaptiveCardJson } from '../cards/render';
import { noticeCard } from '../cards/views';
import type { Logger } from '../logger';
import type { Turn } from './turn';

export type ParsedPayload<T> = { ok: true; data: T } | { ok: false; answer: AdaptiveCardJson };

/** The parsed payload, or (logged with codes only) the "nothing was changed" card to answer with. */
export function parseCardPayload<T>(schema: z.ZodType<T, z.ZodTypeDef, unknown>, data: unknown, verb: string, turn: Turn, log: Logger): ParsedPayload<T> {
  const parsed = schema.safeParse(data);
  if (parsed.success) return { ok: true, data: parsed.data };
  log.warn('card.payload.invalid', { verb, issues: parsed.error.issues.length });
  return { ok: false, answer: noticeCard(turn.loc.t.notices.invalidPayload, 'Attention') };
}
