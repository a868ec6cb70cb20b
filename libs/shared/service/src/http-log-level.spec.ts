import { test } from 'node:test';
import assert from 'node:assert/strict';
import { HTTP_LOG_LEVEL_LOCAL, httpLogLevel } from './http-errors';

test('the access-log level follows the status unless the handler chose one', () => {
  const cases: Array<[number, Record<string, unknown> | undefined, unknown, string]> = [
    [200, undefined, undefined, 'debug'],
    [404, {}, undefined, 'warn'],
    [500, {}, undefined, 'error'],
    [200, {}, new Error('stream broke'), 'error'],
    // a SOAP client fault: HTTP 500 by the WS-I rule, the caller's mistake
    [500, { [HTTP_LOG_LEVEL_LOCAL]: 'warn' }, undefined, 'warn'],
    [200, { [HTTP_LOG_LEVEL_LOCAL]: 'nonsense' }, undefined, 'debug'],
  ];
  for (const [statusCode, locals, err, want] of cases) {
    assert.equal(httpLogLevel({ statusCode, locals }, err), want, `status ${statusCode}, locals ${JSON.stringify(locals)}`);
  }
});
