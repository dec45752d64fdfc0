/** The production Environment: the real clock and cryptographic randomness. */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { Environment } from './identity';

/** A UUID-shaped id derived from the parts, so a retried activity maps to the same document. */
export function stableUuid(...parts: string[]): string {
  const h = createHash('sha256').update(parts.join('\u0000')).digest('hex');
  // Version 8 (custom) and RFC 4122 variant bits keep it a valid UUID for zod's uuid().
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-8${h.slice(13, 16)}-${((parseInt(h[16]!, 16) & 0x3) | 0x8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** The production Environment; `referenceOf` turns 5 random bytes into a reference people can read aloud. */
export function systemEnvironment(referenceOf: (random: Uint8Array) => string): Environment {
  return {
    now: () => new Date(),
    newId: () => randomUUID(),
    newReference: () => referenceOf(randomBytes(5)),
    stableId: stableUuid,
  };
}
