/**
 * The outbox item id travels with every message it sends, so a delivery verifier can recognise the
 * message later: in `channelData` (visible to the connector) and in each adaptive card's `metadata`
 * (visible through Microsoft Graph, which returns a bot's card as `attachments[].content`; Graph does
 * not expose channelData). A text-only message has no place Graph shows, so it cannot be verified.
 */
import type { Activity } from 'botbuilder';
import { ADAPTIVE_CARD, type OutboxActivity } from './model';

export const MARKER_KEY = 'samspilOutboxItemId';

/** A copy of `activity` carrying `itemId` in channelData and in every card's metadata. */
export function withMarker(activity: OutboxActivity, itemId: string): Partial<Activity> {
  const copy = structuredClone(activity);
  const attachments = copy.attachments?.map((a) => ({
    ...a,
    content: { ...a.content, metadata: { ...(a.content.metadata as Record<string, unknown> | undefined), [MARKER_KEY]: itemId } },
  }));
  return { ...copy, ...(attachments ? { attachments } : {}), channelData: { ...copy.channelData, [MARKER_KEY]: itemId } };
}

/** Whether a delivery verifier can recognise this activity once sent (it carries a card). */
export function isVerifiable(activity: OutboxActivity | undefined): boolean {
  return (activity?.attachments ?? []).some((a) => a.contentType === ADAPTIVE_CARD);
}

/** Whether a card (an object, or JSON text as Graph returns it) carries the marker for `itemId`. */
export function cardCarriesMarker(content: unknown, itemId: string): boolean {
  let card = content;
  if (typeof content === 'string') {
    try {
      card = JSON.parse(content);
    } catch {
      return false;
    }
  }
  const metadata = (card as { metadata?: unknown } | null)?.metadata;
  return typeof metadata === 'object' && metadata !== null && (metadata as Record<string, unknown>)[MARKER_KEY] === itemId;
}
