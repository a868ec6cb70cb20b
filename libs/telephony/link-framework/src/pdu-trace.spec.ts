import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pduSinks, PduTracer } from './pdu-trace';

describe('PduTracer', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tws-pdu-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const line = (device: string | undefined, xml: string) => ({ at: new Date(0), linkId: 'L1', direction: 'in' as const, invokeId: '9999', device, xml });

  test('writes only the traced devices (or all with *), one line per message, passwords blanked', () => {
    const sut = new PduTracer({ folder: join(dir, 'a') });
    sut.record(line('4001', '<A/>'));
    sut.start('4001');
    sut.record(line('4001', '<DeliveredEvent>\n  <x>1</x>\n</DeliveredEvent>'));
    sut.record(line('4002', '<B/>'));
    sut.record(line(undefined, '<StartApplicationSession><password>s3cret</password></StartApplicationSession>'));
    sut.start('*');
    sut.record(line(undefined, '<StartApplicationSession><password>s3cret</password></StartApplicationSession>'));
    sut.flush();

    const text = readFileSync(join(dir, 'a', 'pdu.log'), 'utf8');
    assert.equal(
      text,
      '1970-01-01T00:00:00.000Z L1 IN  9999 4001 <DeliveredEvent> <x>1</x> </DeliveredEvent>\n' +
        '1970-01-01T00:00:00.000Z L1 IN  9999 - <StartApplicationSession><password>***</password></StartApplicationSession>\n',
    );
    sut.stop('*');
    assert.deepEqual(sut.tracing, []);
    assert.equal(sut.active, false);
  });

  test('rotates by size and keeps a bounded number of old files, newest first', () => {
    const sut = new PduTracer({ folder: join(dir, 'b'), maxFileBytes: 200, maxFiles: 2 });
    sut.start('*');
    for (let i = 0; i < 12; i++) {
      sut.record(line('4001', `<E n="${i}">${'x'.repeat(60)}</E>`));
      sut.flush();
    }

    assert.deepEqual(sut.files(), ['pdu.log', 'pdu.log.1', 'pdu.log.2']);
    assert.match(readFileSync(join(dir, 'b', 'pdu.log'), 'utf8'), /n="11"/);
    assert.match(readFileSync(join(dir, 'b', 'pdu.log.1'), 'utf8'), /n="10"/);
    for (const f of sut.files()) assert.ok(readFileSync(join(dir, 'b', f)).length <= 200, f);
  });
  test('reads a listed file in chunks, refuses any other name, and lists sizes', () => {
    const sut = new PduTracer({ folder: join(dir, 'c'), fileName: 'cstaservices-pdu-d1.log' });
    sut.start('*');
    sut.record(line('4001', '<A/>'));
    sut.record(line('4002', '<B/>'));
    sut.flush();
    const whole = readFileSync(join(dir, 'c', 'cstaservices-pdu-d1.log'));

    const first = sut.readChunk('cstaservices-pdu-d1.log', 0, 10)!;
    const rest = sut.readChunk('cstaservices-pdu-d1.log', 10, 10_000)!;
    assert.deepEqual([first.size, first.eof, rest.eof], [whole.length, false, true]);
    assert.equal(Buffer.concat([first.data, rest.data]).toString(), whole.toString());
    assert.equal(sut.readChunk('../b/pdu.log', 0, 10), undefined);
    assert.equal(sut.readChunk('pdu.log', 0, 10), undefined, "another tracer's file");
    assert.deepEqual(sut.fileDetails().map((f) => [f.name, f.size]), [['cstaservices-pdu-d1.log', whole.length]]);
  });

  test('pduSinks: a message goes to every active tracer that wants it', () => {
    const all = new PduTracer({ folder: join(dir, 'd'), fileName: 'all.log' });
    const domain = new PduTracer({ folder: join(dir, 'd'), fileName: 'domain.log' });
    assert.equal(pduSinks(all, domain), undefined, 'nothing traced: no sink');
    domain.start('4001');
    assert.equal(pduSinks(all, domain), domain);
    all.start('*');
    const sut = pduSinks(all, domain)!;
    sut.record(line('4001', '<A/>'));
    sut.record(line('4002', '<B/>'));
    sut.flush();
    assert.equal(readFileSync(join(dir, 'd', 'all.log'), 'utf8').trim().split('\n').length, 2);
    assert.equal(readFileSync(join(dir, 'd', 'domain.log'), 'utf8').trim().split('\n').length, 1);
  });
});
