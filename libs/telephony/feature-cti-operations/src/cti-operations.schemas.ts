import { z } from 'zod';

/** Guide 10.5 "First number" / "Last number" (inclusive, numeric order when both are digits). */
export const deviceStatesQuerySchema = z
  .object({
    first: z.string().trim().min(1).max(64).optional(),
    last: z.string().trim().min(1).max(64).optional(),
    limit: z.coerce.number().int().min(1).max(10_000).default(1000),
  })
  .strict();
export type DeviceStatesQuery = z.infer<typeof deviceStatesQuerySchema>;

/** Guide 10.6: start or stop the PDU trace of one device of the domain, or `*` for all of them. */
export const pduTraceActionSchema = z
  .object({
    action: z.enum(['start', 'stop']),
    device: z
      .string()
      .trim()
      .regex(/^(\*|[0-9A-Za-z+#*._@-]{1,64})$/, 'a device number or * (every device of the domain)'),
  })
  .strict();
export type PduTraceAction = z.infer<typeof pduTraceActionSchema>;

/** A trace file name as cstaservices writes them (the instance checks it lists it, too). */
export const traceFileNameSchema = z.string().regex(/^cstaservices-pdu[\w.-]*$/, 'not a PDU trace file name');
