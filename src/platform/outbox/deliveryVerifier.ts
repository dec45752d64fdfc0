/**
 * Answers the one question a crash leaves open: did Teams receive this item's message?
 *
 * The dispatcher asks before re-sending an item that is "in doubt" (its lease expired while it was
 * being sent, or the last attempt ended in a 5xx/timeout). Production: GraphDeliveryVerifier.
 */
import type { OutboxItem } from './model';

export type DeliveryCheck =
  | { delivered: true; activityId: string }
  | { delivered: false }
  /** The message carries nothing the verifier can recognise (text only): it cannot tell. */
  | { delivered: 'unverifiable' };

export interface DeliveryVerifier {
  /** Whether the item's message reached the recipient. Throws when it cannot tell right now (retried later). */
  check(item: OutboxItem): Promise<DeliveryCheck>;
}
