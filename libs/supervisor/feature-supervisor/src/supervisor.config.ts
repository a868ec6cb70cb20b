import { z } from 'zod';
import { baseEnvSchema } from '@tws/config';
import { SERVICE_NAMES, type ServiceName } from '@tws/contracts';

const optionalUrl = (re: RegExp, what: string) => z.string().regex(re, what).optional();

/**
 * The supervisor's environment. DATABASE_URL / NATS_URL are optional here: when unset, the
 * supervisor starts an embedded Postgres and a local nats-server under TWS_VAR_DIR.
 */
export const supervisorEnvSchema = baseEnvSchema.extend({
  DATABASE_URL: optionalUrl(/^postgres(ql)?:\/\/\S+$/, 'must be a postgres:// or postgresql:// URL'),
  NATS_URL: optionalUrl(/^(nats|tls|wss?):\/\/[^,\s]+(,(nats|tls|wss?):\/\/[^,\s]+)*$/, 'must be one or more nats:// URLs separated by commas'),
  /** Where embedded Postgres, nats-server data, logs and the generated secret key live. */
  TWS_VAR_DIR: z.string().min(1).default('var'),
  TWS_EMBEDDED_PG_PORT: z.coerce.number().int().min(1).max(65535).default(5433),
  TWS_EMBEDDED_NATS_PORT: z.coerce.number().int().min(1).max(65535).default(4223),
  /** base64 of 32 bytes; generated once into TWS_VAR_DIR/secret.key when unset. */
  TWS_SECRET_KEY: z.string().optional(),
  /** false in containers: each service runs in its own container, the supervisor only reports. */
  TWS_SUPERVISOR_SPAWN: z.enum(['true', 'false', '1', '0']).default('true').transform((v) => v === 'true' || v === '1'),
  /** Subset of services to run, comma-separated (default: all). */
  TWS_SERVICES: z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (!v) return undefined;
      const names = v.split(',').map((s) => s.trim()).filter(Boolean);
      const unknown = names.filter((n) => !(SERVICE_NAMES as readonly string[]).includes(n));
      if (unknown.length) ctx.addIssue({ code: 'custom', message: `unknown service(s): ${unknown.join(', ')}; known: ${SERVICE_NAMES.join(', ')}` });
      return names as ServiceName[];
    }),
  /** Port overrides, e.g. "web-services=9000,toolkit-web-services=9001". */
  TWS_PORTS: z
    .string()
    .optional()
    .transform((v, ctx) => {
      const out: Partial<Record<ServiceName, number>> = {};
      for (const pair of (v ?? '').split(',').map((s) => s.trim()).filter(Boolean)) {
        const [name, port] = pair.split('=');
        const n = Number(port);
        if (!(SERVICE_NAMES as readonly string[]).includes(name ?? '') || !Number.isInteger(n) || n < 1 || n > 65535) {
          ctx.addIssue({ code: 'custom', message: `"${pair}" is not <service>=<port>` });
          continue;
        }
        out[name as ServiceName] = n;
      }
      return out;
    }),
  /** Demo mode: ports of the PBX simulator (CSTA link, HTTP control API). */
  TWS_DEMO_CSTA_PORT: z.coerce.number().int().min(1).max(65535).default(12555),
  TWS_DEMO_SIM_HTTP_PORT: z.coerce.number().int().min(1).max(65535).default(12580),
  /** Host name used in the printed URLs. */
  TWS_PUBLIC_HOST: z.string().min(1).default('localhost'),
  /** Also copy every service's log lines to the console (they always go to TWS_VAR_DIR/log/). */
  TWS_LOG_TO_CONSOLE: z.enum(['true', 'false', '1', '0']).default('false').transform((v) => v === 'true' || v === '1'),
});
export type SupervisorEnv = z.output<typeof supervisorEnvSchema>;

export interface SupervisorArgs {
  demo: boolean;
}

export function parseArgs(argv: string[]): SupervisorArgs {
  const args: SupervisorArgs = { demo: false };
  for (const a of argv) {
    if (a === '--demo') args.demo = true;
    else throw new Error(`unknown option ${a} (known: --demo; commands: migrate)`);
  }
  return args;
}
