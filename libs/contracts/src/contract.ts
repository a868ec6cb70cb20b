import { z } from 'zod';

/**
 * A message contract: one subject (or subject family) and the schema of what travels on it.
 * Every publisher and subscriber goes through `parse` / `check`, so a payload is validated at
 * each boundary and a subject is spelled once.
 */
export interface MessageContract<S extends z.ZodType, Args extends unknown[] = []> {
  /** Human name used in errors, e.g. "telephony event". */
  readonly name: string;
  /** Concrete subject for the given arguments. */
  readonly subject: (...args: Args) => string;
  /** Subscription pattern (with NATS wildcards) covering every subject of the family. */
  readonly pattern: string;
  readonly schema: S;
}

export function defineContract<S extends z.ZodType, Args extends unknown[] = []>(
  name: string,
  pattern: string,
  subject: (...args: Args) => string,
  schema: S,
): MessageContract<S, Args> {
  return { name, pattern, subject, schema };
}

/** A request/reply contract: request and reply schemas on one subject. */
export interface RequestContract<Req extends z.ZodType, Res extends z.ZodType, Args extends unknown[] = []> {
  readonly name: string;
  readonly subject: (...args: Args) => string;
  readonly pattern: string;
  readonly request: Req;
  readonly reply: Res;
}

export function defineRequest<Req extends z.ZodType, Res extends z.ZodType, Args extends unknown[] = []>(
  name: string,
  pattern: string,
  subject: (...args: Args) => string,
  request: Req,
  reply: Res,
): RequestContract<Req, Res, Args> {
  return { name, pattern, subject, request, reply };
}

/** Thrown when a payload does not match its contract. Carries one line per wrong field. */
export class ContractViolation extends Error {
  constructor(
    readonly contract: string,
    readonly details: { path: string; message: string }[],
  ) {
    super(`invalid ${contract}: ${details.map((d) => `${d.path || '(root)'}: ${d.message}`).join('; ')}`);
    this.name = 'ContractViolation';
  }
}

export function issuesToDetails(error: z.ZodError): { path: string; message: string }[] {
  return error.issues.map((i) => ({ path: i.path.map(String).join('.'), message: i.message }));
}

/** Validates `value` against `schema`; throws ContractViolation naming every wrong field. */
export function check<S extends z.ZodType>(name: string, schema: S, value: unknown): z.output<S> {
  const r = schema.safeParse(value);
  if (!r.success) throw new ContractViolation(name, issuesToDetails(r.error));
  return r.data;
}

/** A reply that carries either a result or an error, so failures cross NATS as data. */
export const replyEnvelope = <T extends z.ZodType>(result: T) =>
  z.discriminatedUnion('ok', [
    z.object({ ok: z.literal(true), result }),
    z.object({
      ok: z.literal(false),
      error: z.object({ code: z.string(), message: z.string(), details: z.array(z.unknown()).optional() }),
    }),
  ]);
