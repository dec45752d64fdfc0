/** Turning zod issues into the error codes the cards translate (one code per field). */
import type { ZodIssue } from 'zod';

/**
 * Field → error code: "required" for an empty or missing value, the schema's
 * own code (e.g. "max:120", "invalidDate"), or "invalid"; issues without a
 * path go to "_form". The first issue of a field wins.
 */
export function errorCodes(issues: readonly ZodIssue[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const issue of issues) {
    const key = issue.path[0] === undefined ? '_form' : String(issue.path[0]);
    if (key in out) continue;
    // A choice left empty arrives as undefined: zod calls that invalid_type, the user calls it required.
    const missing = issue.code === 'invalid_type' && issue.received === 'undefined';
    out[key] = missing ? 'required' : issue.message.includes(' ') ? 'invalid' : issue.message;
  }
  return out;
}

/**
 * A text limit that says, when it is exceeded, how long the text is
 * ("max:2000:5000"), so the card can ask for a shorter text instead of
 * cutting it. Use with zod's superRefine, or directly.
 */
export function lengthError(value: string | undefined, max: number): string | undefined {
  return value !== undefined && value.length > max ? `max:${max}:${value.length}` : undefined;
}
