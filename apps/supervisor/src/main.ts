import './instrument';
import { migrateCommand, runSupervisor } from '@tws/supervisor-feature';

/**
 * supervisor (TWS_GenericServices): `main.js [--demo]` runs the suite on one host;
 * `main.js migrate` applies the database migrations and exits.
 */
const fail = (what: string) => (e: unknown) => {
  process.stderr.write(`${what} failed: ${(e as Error).stack ?? e}\n`);
  process.exit(1);
};
if (process.argv[2] === 'migrate') migrateCommand().then((code) => process.exit(code), fail('migrate'));
else runSupervisor(process.argv.slice(2)).catch(fail('supervisor'));
