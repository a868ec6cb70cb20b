import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { APPLICATION_CODES, APPLICATIONS } from '@tws/contracts';
import {
  checkLicenceApplies,
  createLicence,
  generateLicenceKeyPair,
  INSTALLATION_ID_PATTERN,
  isLicenceExpired,
  LicenceFileError,
  licenceKeyId,
  MAX_LICENCE_COUNT,
  parseExpiry,
  parseLicencePrivateKey,
  parseLicencePublicKey,
  verifyLicence,
  type Licence,
} from '@tws/licence-file';

export const USAGE = `licence-tool — TWS licence files for development and tests (docs/licences.md)

  licence-tool keygen --out <dir> [--force]
      writes <dir>/licence-private.pem (mode 600) and <dir>/licence-public.pem, and prints the
      one-line public key for TWS_LICENCE_PUBLIC_KEY
  licence-tool create --key <private.pem> --installation <id> --issued-to <name>
                      --app <code>=<count> [--app ...] [--expires 2027-12-31] [--licence-id <uuid>] [--out <file>]
      signs a licence file (to stdout without --out); an application not given has 0 licences
  licence-tool verify --public <public.pem> [--installation <id>] <file>
      checks the signature, the content and the expiry (and the installation id if given)

Application codes: ${APPLICATION_CODES.join(', ')}
Exit status: 0 done, 1 refused or failed, 2 bad arguments.`;

export interface ToolIo {
  out(text: string): void;
  err(text: string): void;
  now?: Date;
}

/** Wrong command line: exit 2 with the message and a pointer to the usage. */
class UsageError extends Error {}
/** The tool did its job and the answer is no (or a file could not be written): exit 1. */
class Failure extends Error {}

/** Runs one command; returns the exit status. */
export function runLicenceTool(argv: string[], io: ToolIo): number {
  try {
    const [command, ...rest] = argv;
    switch (command) {
      case 'keygen':
        return keygen(rest, io);
      case 'create':
        return create(rest, io);
      case 'verify':
        return verifyCommand(rest, io);
      case 'help':
      case '--help':
      case '-h':
        io.out(`${USAGE}\n`);
        return 0;
      case undefined:
        throw new UsageError('no command given');
      default:
        throw new UsageError(`unknown command "${command}"`);
    }
  } catch (e) {
    if (e instanceof UsageError) {
      io.err(`licence-tool: ${e.message}\nRun "licence-tool help" for usage.\n`);
      return 2;
    }
    if (e instanceof Failure) {
      io.err(`licence-tool: ${e.message}\n`);
      return 1;
    }
    throw e;
  }
}

function parse<O extends Record<string, { type: 'string' | 'boolean'; multiple?: boolean }>>(args: string[], options: O, positionals = 0) {
  let parsed;
  try {
    parsed = parseArgs({ args, options, allowPositionals: positionals > 0, strict: true });
  } catch (e) {
    throw new UsageError((e as Error).message.replace(/\. To specify a positional argument.*$/s, ''));
  }
  if (parsed.positionals.length > positionals) throw new UsageError(`unexpected argument "${parsed.positionals[positionals]}"`);
  return parsed;
}

function required(value: string | undefined, flag: string): string {
  if (value === undefined || value.trim() === '') throw new UsageError(`${flag} is required`);
  return value;
}

function readArgFile(path: string, flag: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    throw new UsageError(`cannot read ${flag} ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}

function installationArg(value: string): string {
  if (!INSTALLATION_ID_PATTERN.test(value)) throw new UsageError(`--installation must be 16 hexadecimal digits (the installation id of Security / Licences), got "${value}"`);
  return value.toUpperCase();
}

function keygen(args: string[], io: ToolIo): number {
  const { values } = parse(args, { out: { type: 'string' }, force: { type: 'boolean' } });
  const dir = required(values.out, '--out');
  const files = { private: join(dir, 'licence-private.pem'), public: join(dir, 'licence-public.pem') };
  if (!values.force) {
    const existing = Object.values(files).filter((f) => existsSync(f));
    if (existing.length > 0) throw new Failure(`${existing.join(' and ')} already exist: refusing to overwrite a key (use --force)`);
  }
  const pair = generateLicenceKeyPair();
  try {
    mkdirSync(dir, { recursive: true });
    writeFileSync(files.private, pair.privateKeyPem, { mode: 0o600 });
    writeFileSync(files.public, pair.publicKeyPem, { mode: 0o644 });
  } catch (e) {
    throw new Failure(`cannot write the key pair in ${dir}: ${(e as Error).message}`);
  }
  io.out(
    `private key: ${files.private} (keep it secret: whoever holds it issues licences)\n` +
      `public key:  ${files.public} (key id ${pair.keyId})\n` +
      `TWS_LICENCE_PUBLIC_KEY=${pair.publicKeyBase64}\n`,
  );
  return 0;
}

function appsArg(values: string[] | undefined): Record<string, number> {
  if (!values || values.length === 0) throw new UsageError('give at least one --app <code>=<count>');
  const apps: Record<string, number> = {};
  for (const v of values) {
    const m = /^([a-z-]+)=(\S+)$/.exec(v);
    if (!m) throw new UsageError(`--app ${v}: expected <code>=<count>, e.g. caller=400`);
    const [code, count] = [m[1]!, m[2]!];
    if (!(APPLICATION_CODES as readonly string[]).includes(code)) throw new UsageError(`--app ${v}: unknown application "${code}" (known: ${APPLICATION_CODES.join(', ')})`);
    if (!/^\d+$/.test(count) || Number(count) > MAX_LICENCE_COUNT) throw new UsageError(`--app ${v}: the count must be a whole number from 0 to ${MAX_LICENCE_COUNT}`);
    if (code in apps) throw new UsageError(`--app ${code} is given twice`);
    apps[code] = Number(count);
  }
  return apps;
}

function create(args: string[], io: ToolIo): number {
  const { values } = parse(args, {
    key: { type: 'string' },
    installation: { type: 'string' },
    'issued-to': { type: 'string' },
    expires: { type: 'string' },
    app: { type: 'string', multiple: true },
    'licence-id': { type: 'string' },
    out: { type: 'string' },
  });
  const keyPath = required(values.key, '--key');
  const installationId = installationArg(required(values.installation, '--installation'));
  const issuedTo = required(values['issued-to'], '--issued-to');
  const applications = appsArg(values.app);
  let expiresAt: Date | null = null;
  if (values.expires !== undefined) {
    try {
      expiresAt = parseExpiry(values.expires);
    } catch (e) {
      throw new UsageError(`--expires: ${(e as Error).message}`);
    }
  }
  let privateKey;
  try {
    privateKey = parseLicencePrivateKey(readArgFile(keyPath, '--key'));
  } catch (e) {
    if (e instanceof UsageError) throw e;
    throw new UsageError(`--key ${keyPath}: ${(e as Error).message}`);
  }
  let made;
  try {
    made = createLicence({ installationId, issuedTo, applications, expiresAt, licenceId: values['licence-id'], issuedAt: io.now }, privateKey);
  } catch (e) {
    if (e instanceof LicenceFileError) throw new UsageError(e.message);
    throw e;
  }
  if (isLicenceExpired(made.licence, io.now)) io.err(`licence-tool: warning: this licence is already expired (${made.licence.expiresAt!.toISOString()}): it will be refused\n`);
  if (values.out) {
    try {
      writeFileSync(values.out, made.text);
    } catch (e) {
      throw new Failure(`cannot write ${values.out}: ${(e as Error).message}`);
    }
    io.err(`licence ${made.licence.licenceId} for installation ${installationId} written to ${values.out}\n`);
  } else {
    io.out(made.text);
  }
  return 0;
}

function verifyCommand(args: string[], io: ToolIo): number {
  const { values, positionals } = parse(args, { public: { type: 'string' }, installation: { type: 'string' } }, 1);
  const keyPath = required(values.public, '--public');
  const file = positionals[0];
  if (!file) throw new UsageError('give the licence file to verify');
  const installationId = values.installation === undefined ? undefined : installationArg(values.installation);
  let publicKey;
  try {
    publicKey = parseLicencePublicKey(readArgFile(keyPath, '--public'));
  } catch (e) {
    if (e instanceof UsageError) throw e;
    throw new UsageError(`--public ${keyPath}: ${(e as Error).message}`);
  }
  const text = readArgFile(file, 'the licence file');
  let licence: Licence;
  try {
    licence = verifyLicence(text, publicKey);
    checkLicenceApplies(licence, { installationId: installationId ?? licence.installationId, now: io.now });
  } catch (e) {
    if (e instanceof LicenceFileError) throw new Failure(`${file}: refused (${e.reason}): ${e.message}`);
    throw e;
  }
  io.out(describeLicence(licence, licenceKeyId(publicKey)));
  return 0;
}

function describeLicence(l: Licence, keyId: string): string {
  const width = Math.max(...APPLICATIONS.map((a) => a.label.length));
  return [
    `valid licence file, signed by key ${keyId}`,
    `licence id    ${l.licenceId}`,
    `issued to     ${l.issuedTo}`,
    `issued at     ${l.issuedAt.toISOString()}`,
    `expires       ${l.expiresAt ? l.expiresAt.toISOString() : 'never'}`,
    `installation  ${l.installationId}`,
    '',
    `${'application'.padEnd(width)}  available`,
    ...APPLICATIONS.map((a) => `${a.label.padEnd(width)}  ${l.applications[a.code]}`),
    '',
  ].join('\n');
}
