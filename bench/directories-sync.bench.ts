/**
 * Directory synchronization from a real OpenLDAP slapd (size-limited like Active Directory, so
 * only paging reads it all) into a real web-services process: entries per second and the RSS of
 * web-services (peak, against its idle baseline) for a first synchronization (everything created)
 * and a second one (nothing changed: nothing written). Prints figures, asserts nothing.
 *
 * Needs slapd + ldap-utils, nats-server and a Postgres at TEST_DATABASE_URL.
 * Run: npm run build && node dist/bench/directories-sync.bench.js
 *      BENCH_ENTRIES=500000 node dist/bench/directories-sync.bench.js   (slapd's database sized for it, seeded without fsync)
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { startTestSlapd, type TestSlapd } from '@tws/testing';
import { DirectoriesFixture } from '../test/integration/directories-fixture';

const ENTRIES = Number(process.env['BENCH_ENTRIES'] ?? 100_000);
const PAGE_SIZE = Number(process.env['BENCH_PAGE_SIZE'] ?? 1000);
const SURNAMES = ['Martin', 'Bernard', 'Dubois', 'Thomas', 'Robert', 'Richard', 'Petit', 'Durand', 'Leroy', 'Moreau', 'Simon', 'Laurent', 'Lefèvre', 'Michel', 'Garcia', 'David', 'Bertrand', 'Roux', 'Vincent', 'Fournier', 'Müller', 'Schmidt', 'Smith', 'Jones', 'Rossi'];
const FIRST = ['Jean', 'Marie', 'Pierre', 'Hélène', 'Luc', 'Anne', 'Paul', 'Sophie', 'Jürgen', 'Chloé'];

/** Adds entries with ldapadd in chunks (its per-entry output goes nowhere: it is large). */
export function seedPeople(ldap: TestSlapd, count: number, entry: (i: number) => string): void {
  ldap.add(`dn: ou=people,${ldap.suffix}\nobjectClass: organizationalUnit\nou: people\n\ndn: cn=reader,${ldap.suffix}\nobjectClass: organizationalRole\nobjectClass: simpleSecurityObject\ncn: reader\nuserPassword: reader-secret\n`);
  for (let start = 0; start < count; start += 10_000) {
    const ldif: string[] = [];
    for (let i = start; i < Math.min(count, start + 10_000); i++) ldif.push(entry(i));
    const r = spawnSync('ldapadd', ['-x', '-H', ldap.url, '-D', ldap.rootDn, '-w', ldap.rootPassword], { input: ldif.join('\n'), stdio: ['pipe', 'ignore', 'pipe'], maxBuffer: 1 << 26 });
    if (r.status !== 0) throw new Error(`ldapadd failed: ${String(r.stderr).slice(0, 500)}`);
  }
}

const b64 = (s: string) => (/^[\x20-\x7e]*$/.test(s) ? `: ${s}` : `:: ${Buffer.from(s).toString('base64')}`);
export const personEntry = (suffix: string) => (i: number) => {
  const n = String(i).padStart(8, '0');
  const sn = `${SURNAMES[i % SURNAMES.length]}${Math.floor(i / SURNAMES.length)}`;
  return [
    `dn: uid=u${i},ou=people,${suffix}`,
    'objectClass: inetOrgPerson',
    `uid: u${i}`,
    `cn: u${i}`,
    `sn${b64(sn)}`,
    `givenName${b64(FIRST[i % FIRST.length]!)}`,
    `o: Company ${i % 5000}`,
    `telephoneNumber: 01 ${n.slice(0, 2)} ${n.slice(2, 4)} ${n.slice(4, 6)} ${n.slice(6)}`,
    `mobile: +33 6 ${n.slice(0, 2)} ${n.slice(2, 4)} ${n.slice(4, 6)} ${n.slice(6)}`,
    `mail: u${i}@example.com`,
    `employeeType: ${i % 50 === 0 ? 'LR' : '0'}`,
    '',
  ].join('\n');
};

/** Resident memory of a process in KB; 0 once it has exited (the run then fails and says why). */
const rssKb = (pid: number, field: 'VmRSS' | 'VmHWM') => {
  try {
    return Number(new RegExp(`${field}:\\s+(\\d+)`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
  } catch {
    return 0;
  }
};

async function main() {
  // ~1 KB per entry in slapd's MDB; no fsync per entry while seeding (the sync reads, it does not write).
  const ldap = await startTestSlapd({ sizeLimit: 1000, maxSizeMb: Math.max(100, Math.ceil(ENTRIES / 500)), noSync: true });
  const f = new DirectoriesFixture();
  try {
    let t = performance.now();
    seedPeople(ldap, ENTRIES, personEntry(ldap.suffix));
    const seedS = (performance.now() - t) / 1000;
    await f.start({ LOG_LEVEL: 'warn' });
    const { domainId } = await f.company('Bench');
    const dir = await f.ok(
      f.call('POST', f.dirs(domainId), {
        name: 'AD',
        serverType: 'ldap',
        connector: { host: '127.0.0.1', port: ldap.port, bindDn: `cn=reader,${ldap.suffix}`, baseDn: `ou=people,${ldap.suffix}`, filter: '(objectClass=inetOrgPerson)', pageSize: PAGE_SIZE },
        password: 'reader-secret',
        fields: { id: 'uid', lastName: 'sn', firstName: 'givenname', company: 'o', professionalPhone: 'telephonenumber', professionalRedList: 'employeetype', gsmPhone: 'mobile', mail1: 'mail' },
      }),
      201,
    );
    const pid = f.ws.child.pid!;
    const rows: string[][] = [];
    for (const label of ['first (all created)', 'second (unchanged)']) {
      // Settle and measure the idle baseline, then sample RSS while the run works.
      await new Promise((r) => setTimeout(r, 1000));
      const baseline = rssKb(pid, 'VmRSS');
      let peak = baseline;
      const sampler = setInterval(() => (peak = Math.max(peak, rssKb(pid, 'VmRSS'))), 50);
      t = performance.now();
      const started = await f.ok(f.call('POST', `${f.dirs(domainId)}/${dir.id}/sync`), 202);
      const run = await f.runEnd(domainId, dir.id, started.id, 60 * 60_000); // 500,000 entries take minutes
      const s = (performance.now() - t) / 1000;
      clearInterval(sampler);
      if (run.status !== 'succeeded') throw new Error(JSON.stringify(run));
      rows.push([label, String(run.read), `${s.toFixed(1)} s`, `${Math.round(run.read / s).toLocaleString('en')}/s`, `${Math.round(baseline / 1024)} MB`, `${Math.round(peak / 1024)} MB`, `+${Math.round((peak - baseline) / 1024)} MB`, `${run.created}/${run.updated}/${run.unchanged}`]);
    }
    const phones = (await f.pg.query('SELECT count(*) AS n FROM contact_phone')).rows[0].n;
    console.log(`\nDirectory synchronization, slapd (size limit 1000, page size ${PAGE_SIZE}) → web-services → Postgres; ${ENTRIES.toLocaleString('en')} entries (slapd seeded in ${seedS.toFixed(0)} s); ${phones} phone rows`);
    const head = ['run', 'entries', 'time', 'entries/s', 'RSS idle', 'RSS peak', 'growth', 'created/updated/unchanged'];
    console.log(head.join(' | '));
    for (const r of rows) console.log(r.join(' | '));
    console.log(`VmHWM (process lifetime peak): ${Math.round(rssKb(pid, 'VmHWM') / 1024)} MB`);
  } catch (e) {
    if (f.ws) console.error(`web-services output:\n${f.ws.output().slice(-5000)}`);
    throw e;
  } finally {
    await f.stop();
    await ldap.stop();
  }
}

if (require.main === module) {
  main().catch((e) => {
    console.error(e);
    process.exit(1);
  });
}
