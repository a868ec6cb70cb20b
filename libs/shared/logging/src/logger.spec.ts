import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { createLogger } from './logger';
import { currentCorrelationId, withCorrelationId } from './correlation';

function capture() {
  const lines: any[] = [];
  const stream = new Writable({
    write(chunk, _enc, cb) {
      lines.push(JSON.parse(chunk.toString()));
      cb();
    },
  });
  return { lines, stream };
}

test('every line carries the service and the current correlation id', async () => {
  const { lines, stream } = capture();
  const sut = createLogger('eventservices', 'info', stream);
  await withCorrelationId('abc-123', async () => {
    await Promise.resolve();
    sut.info({ call: 'x' }, 'call logged');
  });
  sut.info('outside');
  assert.equal(lines[0].service, 'eventservices');
  assert.equal(lines[0].correlationId, 'abc-123');
  assert.equal(lines[0].level, 'info');
  assert.equal(lines[1].correlationId, undefined);
});

test('secrets are redacted', () => {
  const { lines, stream } = capture();
  const sut = createLogger('web-services', 'info', stream);
  sut.info({ link: { host: 'pbx', password: 'hunter2' }, password: 'x' }, 'saved');
  assert.equal(lines[0].link.password, '[redacted]');
  assert.equal(lines[0].password, '[redacted]');
  assert.ok(!JSON.stringify(lines[0]).includes('hunter2'));
});

test('a malformed incoming correlation id is replaced, not propagated', () => {
  withCorrelationId('bad id with spaces\n', () => {
    assert.match(currentCorrelationId()!, /^[0-9a-f-]{36}$/);
  });
});
