import { z } from 'zod';

/** Variables every service reads. Each service extends this with its own. */
export const baseEnvSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  HTTP_HOST: z.string().min(1).default('0.0.0.0'),
  HTTP_PORT: z.coerce.number().int().min(0).max(65535),
  DATABASE_URL: z
    .string({ error: 'is required (a postgres:// URL)' })
    .regex(/^postgres(ql)?:\/\/\S+$/, 'must be a postgres:// or postgresql:// URL'),
  NATS_URL: z
    .string({ error: 'is required (e.g. nats://127.0.0.1:4222; several separated by commas)' })
    .regex(/^(nats|tls|wss?):\/\/[^,\s]+(,(nats|tls|wss?):\/\/[^,\s]+)*$/, 'must be one or more nats:// URLs separated by commas'),
  /** Unique name of this instance (defaults to host name + pid). */
  TWS_INSTANCE_ID: z.string().min(1).optional(),
  /** OTLP/HTTP endpoint for traces, e.g. http://otel-collector:4318. Tracing is off when unset. */
  OTEL_EXPORTER_OTLP_ENDPOINT: z.string().url().optional(),
  /** Seconds to wait for in-flight work on SIGTERM before exiting. */
  SHUTDOWN_TIMEOUT_S: z.coerce.number().int().min(1).max(600).default(10),
});

/** For services that decrypt secrets (PBX, LDAP, SMTP, SIP passwords). */
export const secretKeyEnvSchema = z.object({
  TWS_SECRET_KEY: z
    .string({ error: 'is required: base64 of 32 random bytes (openssl rand -base64 32)' })
    .refine((v) => Buffer.from(v, 'base64').length === 32, 'must be base64 of exactly 32 bytes (openssl rand -base64 32)'),
});

export type BaseEnv = z.output<typeof baseEnvSchema>;

export class ConfigError extends Error {
  constructor(
    readonly service: string,
    readonly problems: { variable: string; message: string }[],
  ) {
    super(
      `${service}: invalid configuration:\n` +
        problems.map((p) => `  ${p.variable}: ${p.message}`).join('\n'),
    );
    this.name = 'ConfigError';
  }
}

/**
 * Parses the environment once against `schema`. Empty strings count as unset, so
 * `FOO=` falls back to the default. Throws ConfigError naming every wrong variable.
 */
export function parseConfig<S extends z.ZodObject>(
  service: string,
  schema: S,
  env: Record<string, string | undefined> = process.env,
  defaults: Record<string, string | number | undefined> = {},
): z.output<S> {
  const input: Record<string, unknown> = {};
  for (const key of Object.keys(schema.shape)) {
    const raw = env[key];
    if (raw !== undefined && raw !== '') input[key] = raw;
    else if (defaults[key] !== undefined) input[key] = defaults[key];
  }
  const r = schema.safeParse(input);
  if (!r.success) {
    throw new ConfigError(
      service,
      r.error.issues.map((i) => ({ variable: String(i.path[0] ?? '(env)'), message: describeIssue(i, input) })),
    );
  }
  return r.data;
}

function describeIssue(issue: z.core.$ZodIssue, input: Record<string, unknown>): string {
  const key = String(issue.path[0] ?? '');
  const value = input[key];
  if (value === undefined) return issue.message.startsWith('is required') ? issue.message : `is required (${issue.message})`;
  const shown = /KEY|PASSWORD|SECRET|TOKEN/i.test(key) ? '(hidden)' : JSON.stringify(value);
  return `${issue.message} (got ${shown})`;
}

/**
 * Boot-time variant: on a bad environment, prints which variables are wrong and exits
 * with status 78 (EX_CONFIG), so a supervisor or orchestrator does not retry blindly.
 */
export function loadConfig<S extends z.ZodObject>(
  service: string,
  schema: S,
  defaults: Record<string, string | number | undefined> = {},
): z.output<S> {
  try {
    return parseConfig(service, schema, process.env, defaults);
  } catch (e) {
    if (e instanceof ConfigError) {
      process.stderr.write(
        JSON.stringify({ level: 'fatal', service, msg: e.message, problems: e.problems, time: new Date().toISOString() }) + '\n',
      );
      process.exit(78);
    }
    throw e;
  }
}
