/** The data a deviation card's buttons send (Action.Execute verb "deviation"), parsed once at the edge. */
import { z } from 'zod';

const id = z.string().uuid();
/** An empty id from a template (no action) is absent. */
const optionalId = z
  .string()
  .optional()
  .transform((v) => (v ? v : undefined))
  .pipe(id.optional());
/** Free text the card sends; limits are checked by the domain schemas, so that an error can show on the card. */
const typed = z.string().max(20_000).optional();

export const deviationPayloadSchema = z.discriminatedUnion('action', [
  z.object({ action: z.literal('tasks') }),
  z.object({ action: z.literal('cancel') }),
  z.object({ action: z.literal('done'), planId: id, actionId: id }).passthrough(),
  z.object({ action: z.enum(['reportForm', 'helpForm']), planId: id, actionId: optionalId }),
  z.object({
    action: z.literal('report'),
    formId: id,
    planId: id,
    actionId: optionalId,
    help: z.enum(['true', 'false']).default('false'),
    what: typed,
    category: typed,
    urgency: typed,
    suggestion: typed,
    warningSignId: typed,
  }),
  z.object({ action: z.literal('view'), deviationId: id }),
  z.object({ action: z.enum(['acknowledge', 'followUp']), deviationId: id, revision: z.coerce.number().int().optional() }),
  z.object({ action: z.literal('close'), deviationId: id, revision: z.coerce.number().int().optional(), resolution: typed }),
  z.object({ action: z.literal('inform'), deviationId: id, revision: z.coerce.number().int().optional(), informContactIds: typed, informMessage: typed }),
]);
export type DeviationPayload = z.output<typeof deviationPayloadSchema>;
