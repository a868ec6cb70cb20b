import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from '@tws/testing';

/** The built CLI, run as a process, as a developer or a test script would. */
const tool = (...args: string[]) => {
  const r = spawnSync(process.execPath, [join(__dirname, 'main.js'), ...args], { encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
};

const INSTALLATION = '0123456789ABCDEF';
const fixtures = join(repoRoot(), 'test/fixtures/licences');

describe('licence-tool', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tws-licence-tool-'));
  const keys = join(dir, 'keys');
  const file = join(dir, 'licence.json');
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('keygen writes a key pair (private key readable by its owner only) and prints the variable', () => {
    const r = tool('keygen', '--out', keys);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^TWS_LICENCE_PUBLIC_KEY=MCowBQYDK2VwAyEA[A-Za-z0-9+/]{43}=$/m);
    assert.equal(statSync(join(keys, 'licence-private.pem')).mode & 0o777, 0o600);
    assert.match(readFileSync(join(keys, 'licence-public.pem'), 'utf8'), /^-----BEGIN PUBLIC KEY-----/);
    const again = tool('keygen', '--out', keys);
    assert.equal(again.status, 1);
    assert.match(again.stderr, /already exist: refusing to overwrite a key \(use --force\)/);
  });

  test('create signs a file that verify accepts and describes', () => {
    const r = tool('create', '--key', join(keys, 'licence-private.pem'), '--installation', INSTALLATION.toLowerCase(), '--issued-to', 'SSDEI',
      '--expires', '2099-12-31', '--app', 'caller=400', '--app', 'toolkit=202', '--out', file);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stderr, /for installation 0123456789ABCDEF written to/);
    const doc = JSON.parse(readFileSync(file, 'utf8'));
    assert.equal(doc.licence.installationId, INSTALLATION);
    assert.equal(doc.licence.expiresAt, '2099-12-31T23:59:59.999Z');
    assert.deepEqual(doc.licence.applications, { caller: 400, toolkit: 202 });

    const v = tool('verify', '--public', join(keys, 'licence-public.pem'), '--installation', INSTALLATION, file);
    assert.equal(v.status, 0, v.stderr);
    assert.match(v.stdout, /^valid licence file, signed by key [0-9a-f]{16}$/m);
    assert.match(v.stdout, /^issued to {5}SSDEI$/m);
    assert.match(v.stdout, /^TWS Caller +400$/m);
    assert.match(v.stdout, /^TWS Smart Attendant +0$/m);
  });

  test('without --out the file goes to stdout', () => {
    const r = tool('create', '--key', join(keys, 'licence-private.pem'), '--installation', INSTALLATION, '--issued-to', 'x', '--app', 'stats=1');
    assert.equal(r.status, 0, r.stderr);
    assert.equal(JSON.parse(r.stdout).format, 'tws-licence/1');
  });

  test('verify refuses (exit 1) a tampered file, another key, another installation, an expired licence', () => {
    const tampered = join(dir, 'tampered.json');
    writeFileSync(tampered, readFileSync(file, 'utf8').replace('"caller": 400', '"caller": 4000'));
    const t = tool('verify', '--public', join(keys, 'licence-public.pem'), tampered);
    assert.equal(t.status, 1);
    assert.match(t.stderr, /refused \(bad_signature\): .*altered/);

    const other = tool('verify', '--public', join(fixtures, 'test-licence-public.pem'), file);
    assert.equal(other.status, 1);
    assert.match(other.stderr, /refused \(bad_signature\): .*signed with key/);

    const elsewhere = tool('verify', '--public', join(keys, 'licence-public.pem'), '--installation', 'FEDCBA9876543210', file);
    assert.equal(elsewhere.status, 1);
    assert.match(elsewhere.stderr, /refused \(wrong_installation\)/);

    const expired = join(dir, 'expired.json');
    const c = tool('create', '--key', join(keys, 'licence-private.pem'), '--installation', INSTALLATION, '--issued-to', 'x', '--expires', '2020-01-31', '--app', 'caller=1', '--out', expired);
    assert.equal(c.status, 0);
    assert.match(c.stderr, /warning: this licence is already expired/);
    const e = tool('verify', '--public', join(keys, 'licence-public.pem'), expired);
    assert.equal(e.status, 1);
    assert.match(e.stderr, /refused \(expired\): this licence expired on 2020-01-31T23:59:59.999Z/);
  });

  test('the test fixture key pair matches (files signed with it load in the integration tests)', () => {
    const made = tool('create', '--key', join(fixtures, 'test-licence-private.pem'), '--installation', INSTALLATION, '--issued-to', 'fixture', '--app', 'caller=1', '--out', join(dir, 'fixture.json'));
    assert.equal(made.status, 0, made.stderr);
    assert.equal(tool('verify', '--public', join(fixtures, 'test-licence-public.pem'), join(dir, 'fixture.json')).status, 0);
  });

  test('bad arguments: exit 2 with what is wrong', () => {
    const key = join(keys, 'licence-private.pem');
    const create = (...extra: string[]) => tool('create', '--key', key, '--installation', INSTALLATION, '--issued-to', 'x', ...extra);
    const cases: [ReturnType<typeof tool>, RegExp][] = [
      [tool(), /no command given/],
      [tool('sign'), /unknown command "sign"/],
      [tool('keygen'), /--out is required/],
      [tool('keygen', '--out', dir, '--colour'), /Unknown option '--colour'/],
      [tool('create', '--installation', INSTALLATION, '--issued-to', 'x', '--app', 'caller=1'), /--key is required/],
      [create(), /give at least one --app/],
      [create('--app', 'fax=3'), /unknown application "fax" \(known: toolkit-runtime, /],
      [create('--app', 'caller=-1'), /--app caller=-1: expected <code>=<count>|whole number/],
      [create('--app', 'caller=1.5'), /whole number from 0 to 1000000/],
      [create('--app', 'caller'), /expected <code>=<count>/],
      [create('--app', 'caller=1', '--app', 'caller=2'), /--app caller is given twice/],
      [create('--app', 'caller=1', '--expires', '2027-02-30'), /--expires: not a date: 2027-02-30/],
      [create('--app', 'caller=1', '--licence-id', 'nope'), /licence\.licenceId/],
      [tool('create', '--key', key, '--installation', 'XYZ', '--issued-to', 'x', '--app', 'caller=1'), /--installation must be 16 hexadecimal digits/],
      [tool('create', '--key', join(dir, 'missing.pem'), '--installation', INSTALLATION, '--issued-to', 'x', '--app', 'caller=1'), /cannot read --key .*missing\.pem: ENOENT/],
      [tool('create', '--key', join(keys, 'licence-public.pem'), '--installation', INSTALLATION, '--issued-to', 'x', '--app', 'caller=1'), /not a private key/],
      [tool('verify', '--public', join(keys, 'licence-private.pem'), file), /private key: configure the public key only/],
      [tool('verify', '--public', join(keys, 'licence-public.pem')), /give the licence file to verify/],
      [tool('verify', '--public', join(keys, 'licence-public.pem'), file, 'extra'), /unexpected argument "extra"/],
    ];
    for (const [r, message] of cases) {
      assert.equal(r.status, 2, `${message}: ${r.stderr}`);
      assert.match(r.stderr, message);
      assert.match(r.stderr, /Run "licence-tool help" for usage/);
    }
    const help = tool('help');
    assert.equal(help.status, 0);
    assert.match(help.stdout, /licence-tool create --key <private.pem>/);
  });
});
