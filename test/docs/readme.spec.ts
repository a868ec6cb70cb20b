import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { baseEnvSchema, secretKeyEnvSchema } from '@tws/config';
import { SERVICE_NAMES, SERVICES } from '@tws/contracts';
import { supervisorEnvSchema } from '@tws/supervisor-feature';
import { cstaServicesEnvSchema } from '@tws/csta-link';
import { licenceEnvSchema } from '@tws/licensing-feature-admin';
import { userAuthEnvSchema } from '@tws/user-auth';
import { directoriesEnvSchema } from '@tws/directories-feature-admin';
import { repoRoot } from '@tws/testing';

const readme = readFileSync(join(repoRoot(), 'README.md'), 'utf8');
const ci = readFileSync(join(repoRoot(), '.ci/run'), 'utf8');

test('the configuration table documents every variable a service reads', () => {
  const variables = new Set([
    ...Object.keys(baseEnvSchema.shape),
    ...Object.keys(secretKeyEnvSchema.shape),
    ...Object.keys(supervisorEnvSchema.shape),
    ...Object.keys(cstaServicesEnvSchema.shape),
    ...Object.keys(licenceEnvSchema.shape),
    ...Object.keys(userAuthEnvSchema.shape),
    ...Object.keys(directoriesEnvSchema.shape),
  ]);
  const missing = [...variables].filter((v) => !readme.includes(`| \`${v}\` |`));
  assert.deepEqual(missing, [], `README configuration table lacks: ${missing.join(', ')}`);
});

test('the service map lists every service with its default port', () => {
  for (const name of SERVICE_NAMES) {
    const row = readme.split('\n').find((l) => l.startsWith(`| \`${name}\` |`));
    assert.ok(row, `service map lacks ${name}`);
    assert.ok(row.trim().endsWith(`| ${SERVICES[name].httpPort} |`), `${name}'s port in the README is not ${SERVICES[name].httpPort}`);
  }
});

test('the quick start has the two commands, and CI runs the test one', () => {
  const quick = readme.slice(readme.indexOf('## Quick start'), readme.indexOf('### The demo'));
  const commands = [...quick.matchAll(/^\.\/tws (\w+)/gm)].map((m) => m[1]);
  assert.deepEqual(commands, ['start', 'test']);
  assert.match(ci, /^exec \.\/tws test$/m);
});
