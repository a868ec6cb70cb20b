import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { z } from 'zod';
import { baseEnvSchema, ConfigError, parseConfig, secretKeyEnvSchema } from './config';

const valid = {
  DATABASE_URL: 'postgres://tws@db:5432/tws',
  NATS_URL: 'nats://nats:4222',
  HTTP_PORT: '8000',
};

describe('parseConfig', () => {
  test('parses and applies defaults', () => {
    const sut = parseConfig('web-services', baseEnvSchema, valid);
    assert.equal(sut.HTTP_PORT, 8000);
    assert.equal(sut.HTTP_HOST, '0.0.0.0');
    assert.equal(sut.LOG_LEVEL, 'info');
  });

  test('a service default applies when the variable is unset or empty', () => {
    const sut = parseConfig('toolkit', baseEnvSchema, { ...valid, HTTP_PORT: '' }, { HTTP_PORT: 8001 });
    assert.equal(sut.HTTP_PORT, 8001);
  });

  test('names every wrong variable and what is wrong', () => {
    assert.throws(
      () => parseConfig('web-services', baseEnvSchema, { HTTP_PORT: 'abc', NATS_URL: 'http://x', LOG_LEVEL: 'loud' }),
      (e: unknown) => {
        assert.ok(e instanceof ConfigError);
        const vars = e.problems.map((p) => p.variable).sort();
        assert.deepEqual(vars, ['DATABASE_URL', 'HTTP_PORT', 'LOG_LEVEL', 'NATS_URL']);
        assert.match(e.message, /HTTP_PORT: .*"abc"/);
        assert.match(e.message, /DATABASE_URL: is required/);
        return true;
      },
    );
  });

  test('never echoes a secret value', () => {
    const schema = baseEnvSchema.extend(secretKeyEnvSchema.shape);
    assert.throws(
      () => parseConfig('cstaservices', schema, { ...valid, TWS_SECRET_KEY: 'c2hvcnQ=' }),
      (e: unknown) => e instanceof ConfigError && /TWS_SECRET_KEY: .*\(hidden\)/.test(e.message) && !e.message.includes('c2hvcnQ='),
    );
  });

  test('service-specific schemas extend the base one', () => {
    const schema = baseEnvSchema.extend({ FEATURE_X: z.coerce.boolean().default(false) });
    assert.equal(parseConfig('x', schema, { ...valid, FEATURE_X: '1' }).FEATURE_X, true);
  });
});
