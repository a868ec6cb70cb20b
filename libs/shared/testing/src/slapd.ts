import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { canConnect } from '@tws/messaging';
import { freePort, waitFor } from './helpers';

export interface TestSlapd {
  /** ldap://127.0.0.1:<port> */
  url: string;
  port: number;
  suffix: string;
  rootDn: string;
  rootPassword: string;
  /** Adds LDIF entries (ldapadd as the root DN); throws with ldapadd's message on error. */
  add(ldif: string): void;
  stop(): Promise<void>;
}

/**
 * A private OpenLDAP `slapd` (Debian packages slapd + ldap-utils) for one test file, on a free
 * loopback port, with the core, cosine and inetorgperson schemas and an empty suffix entry.
 * `sizeLimit` (default 1000) behaves like Active Directory's cap: an unpaged search stops there.
 * `maxSizeMb` (default 100) is the MDB database's size cap (`maxsize`, olcDbMaxSize in cn=config):
 * about 1 KB per directory entry is needed. `noSync` (`dbnosync`) skips the fsync of every write
 * (bulk seeding of benchmarks; a crash loses the database, which tests never keep).
 */
export async function startTestSlapd(opts: { suffix?: string; sizeLimit?: number; maxSizeMb?: number; noSync?: boolean } = {}): Promise<TestSlapd> {
  if (spawnSync('slapd', ['-VV'], { encoding: 'utf8' }).error && spawnSync('/usr/sbin/slapd', ['-VV']).error) {
    throw new Error('slapd is not installed: apt-get install slapd ldap-utils (./tws test installs them)');
  }
  const suffix = opts.suffix ?? 'dc=tws,dc=test';
  const rootDn = `cn=admin,${suffix}`;
  const rootPassword = 'slapd-root-secret';
  const dir = mkdtempSync(join(tmpdir(), 'tws-slapd-'));
  mkdirSync(join(dir, 'db'));
  const port = await freePort();
  const limit = opts.sizeLimit ?? 1000;
  writeFileSync(
    join(dir, 'slapd.conf'),
    [
      'include /etc/ldap/schema/core.schema',
      'include /etc/ldap/schema/cosine.schema',
      'include /etc/ldap/schema/inetorgperson.schema',
      'modulepath /usr/lib/ldap',
      'moduleload back_mdb',
      `pidfile ${join(dir, 'slapd.pid')}`,
      `sizelimit size.soft=${limit} size.hard=${limit} size.prtotal=unlimited`,
      'database mdb',
      `suffix "${suffix}"`,
      `rootdn "${rootDn}"`,
      `rootpw ${rootPassword}`,
      `directory ${join(dir, 'db')}`,
      `maxsize ${Math.round((opts.maxSizeMb ?? 100) * 1024 * 1024)}`,
      ...(opts.noSync ? ['dbnosync'] : []),
      // Anyone may bind; authenticated users may read; passwords only for binding.
      'access to attrs=userPassword by self write by anonymous auth by * none',
      'access to * by users read by * read',
      '',
    ].join('\n'),
  );
  const slapdBin = spawnSync('slapd', ['-VV']).error ? '/usr/sbin/slapd' : 'slapd';
  const child: ChildProcess = spawn(slapdBin, ['-d', '0', '-h', `ldap://127.0.0.1:${port}/`, '-f', join(dir, 'slapd.conf'), '-u', 'root', '-g', 'root'], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  await waitFor('slapd to listen', async () => {
    if (child.exitCode !== null) throw new Error(`slapd exited: ${stderr}`);
    return canConnect(port);
  }, 15_000);
  const url = `ldap://127.0.0.1:${port}`;
  const add = (ldif: string) => {
    const r = spawnSync('ldapadd', ['-x', '-H', url, '-D', rootDn, '-w', rootPassword], { input: ldif, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
    if (r.status !== 0) throw new Error(`ldapadd failed (${r.status}): ${r.stderr || r.stdout}`);
  };
  const [dc] = suffix.split(',');
  add(`dn: ${suffix}\nobjectClass: dcObject\nobjectClass: organization\no: TWS test\n${dc!.replace('=', ': ')}\n`);
  return {
    url,
    port,
    suffix,
    rootDn,
    rootPassword,
    add,
    stop: async () => {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
