import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { SourceRecord } from './connector';
import { compileFieldMapping, isRedListed, mapRecord, type CompiledFieldMapping, type FieldMappingInput } from './field-mapping';

const compile = (input: FieldMappingInput, allowedSources?: string[]): CompiledFieldMapping => {
  const r = compileFieldMapping(input, { allowedSources });
  if (!r.ok) throw new Error(JSON.stringify(r.issues));
  return r.mapping;
};
const record = (values: Record<string, string | string[] | Buffer>, stableId?: string): SourceRecord => ({
  ref: `uid=${String(values['uid'] ?? 'x')}`,
  values: new Map(Object.entries(values).map(([k, v]) => [k.toLowerCase(), Array.isArray(v) ? v : [v]])),
  stableId,
});
/** A French plan in miniature: national numbers to E.164, 4 digits internal. */
const canonical = (n: string): string | null => {
  const d = n.replace(/[^0-9+]/g, '');
  if (!/[0-9]/.test(d)) return null;
  if (d.startsWith('+')) return d;
  if (d.length <= 4) return d;
  return d.startsWith('0') ? `+33${d.slice(1)}` : d;
};

/** The red-list example of guide 8.2.4. */
const guideExample: FieldMappingInput = {
  id: 'id',
  lastName: 'sn',
  firstName: 'givenname',
  company: 'hierarchy',
  assistantPhone: 'secretaire',
  professionalPhone: 'phoneNumber',
  professionalRedList: 'private',
  gsmPhone: 'gsmPhone',
  gsmRedList: 'private',
};

describe('field mapping', () => {
  test('red-list values of 8.2.4, any case', () => {
    for (const v of ['1', 'true', 'YES', 'y', 'Lr', 'RF', ' yes ']) assert.equal(isRedListed(v), true, v);
    for (const v of ['0', 'no', '', 'false', 'redlist', undefined]) assert.equal(isRedListed(v), false, String(v));
  });

  test("the guide's table: Noa Hollande's numbers are hidden except the assistant's", () => {
    const sut = compile(guideExample);
    const francis = mapRecord(record({ id: '1', sn: 'Francis', givenname: 'Dupont', hierarchy: 'Compta', phoneNumber: '6660', private: '0' }), sut, canonical);
    const noa = mapRecord(record({ id: '2', sn: 'Noa', givenname: 'Hollande', hierarchy: 'Direction', secretaire: '4694', phoneNumber: '4594', gsmPhone: '0601020304', private: '1' }), sut, canonical);
    assert.ok(francis.ok && noa.ok);
    assert.deepEqual(francis.contact.phones.map((p) => [p.kind, p.number, p.redList]), [['professional', '6660', false]]);
    assert.deepEqual(
      noa.contact.phones.map((p) => [p.kind, p.canonical, p.redList]),
      [
        ['assistant', '4694', false],
        ['professional', '4594', true],
        ['gsm', '+33601020304', true],
      ],
    );
  });

  test('options apply; i and a are kept per field; [VIP] private field; merge key and search text', () => {
    const sut = compile({
      id: 'uid',
      lastName: 'sn|u',
      firstName: 'givenname|m',
      company: 'o|i',
      mail1: 'mail',
      private: [
        { index: 0, label: 'Address', field: 'street|a' },
        { index: 3, label: '[VIP]', field: 'vip' },
      ],
    });
    assert.deepEqual(sut.sources, ['givenname', 'mail', 'o', 'sn', 'street', 'uid', 'vip']);
    const r = mapRecord(record({ uid: 'hd', sn: 'Déné', givenname: 'hÉLÈNE', o: 'Secret Corp', mail: 'Helene.Dene@Example.com', street: '1 rue de la Paix, Paris', vip: 'Board member' }), sut, canonical);
    assert.ok(r.ok);
    assert.equal(r.contact.lastName, 'DÉNÉ');
    assert.equal(r.contact.firstName, 'Hélène');
    assert.deepEqual(r.contact.fields['company'], { v: 'Secret Corp', i: true });
    assert.deepEqual(r.contact.fields['private0'], { v: '1 rue de la Paix, Paris', a: true, label: 'Address' });
    assert.equal(r.contact.vip, 'Board member');
    assert.equal(r.contact.mergeMail, 'helene.dene@example.com');
    assert.equal(r.contact.searchText, 'dene helene helene dene example com', 'accents off, invisible company left out');
  });

  test('a stable id when the ID is not mapped; refusals name the reason and keep the id when known', () => {
    const sut = compile({ lastName: 'sn', professionalPhone: 'telephonenumber', private: [{ index: 1, label: 'Notes', field: 'description' }] });
    const guid = mapRecord(record({ sn: 'A', telephonenumber: '4711' }, '6f1c8b1e-0000-4000-8000-000000000001'), sut, canonical);
    assert.ok(guid.ok);
    assert.equal(guid.contact.externalId, '6f1c8b1e-0000-4000-8000-000000000001');
    const noId = mapRecord(record({ sn: 'A' }), sut, canonical);
    assert.deepEqual(noId, { ok: false, reason: 'no ID (the source gives no stable identifier: map the ID field)' });
    const long = mapRecord(record({ sn: 'A', description: 'x'.repeat(2000) }, 'id-1'), sut, canonical);
    assert.deepEqual(long, { ok: false, reason: 'malformed entry: field "description" is longer than 1024 characters', externalId: 'id-1' });
    const nul = mapRecord(record({ sn: 'A\u0000B' }, 'id-2'), sut, canonical);
    assert.equal(nul.ok, false);
    assert.equal((nul as { externalId?: string }).externalId, 'id-2');
    const empty = mapRecord(record({ description: 'only a note' }, 'id-3'), sut, canonical);
    assert.deepEqual(empty, { ok: false, reason: 'nothing to show: no name, company, number or e-mail', externalId: 'id-3' });
    const withId = compile({ id: 'employeeid', lastName: 'sn' });
    assert.deepEqual(mapRecord(record({ sn: 'B' }), withId, canonical), { ok: false, reason: 'no ID (field "employeeid" is empty or missing)' });
  });

  test('a value that is not a phone number is kept for display, with a warning; missing attributes are simply absent', () => {
    const sut = compile({ id: 'uid', lastName: 'sn', professionalPhone: 'telephonenumber', gsmPhone: 'mobile' });
    const r = mapRecord(record({ uid: 'u1', sn: 'Martin', telephonenumber: 'n/a' }), sut, canonical);
    assert.ok(r.ok);
    assert.deepEqual(r.contact.phones, [{ kind: 'professional', number: 'n/a', canonical: null, redList: false, invisible: false }]);
    assert.equal(r.warnings.length, 1);
    assert.match(r.warnings[0]!.about, /not phone numbers/);
  });

  test('the hash changes with the content only', () => {
    const sut = compile({ id: 'uid', lastName: 'sn' });
    const a = mapRecord(record({ uid: '1', sn: 'A' }), sut, canonical);
    const b = mapRecord(record({ uid: '1', sn: 'A' }), sut, canonical);
    const c = mapRecord(record({ uid: '1', sn: 'B' }), sut, canonical);
    assert.ok(a.ok && b.ok && c.ok);
    assert.equal(a.contact.hash, b.contact.hash);
    assert.notEqual(a.contact.hash, c.contact.hash);
  });

  test('pictures: binary JPEG becomes a data URI; unknown bytes are left out with a warning', () => {
    const sut = compile({ id: 'uid', lastName: 'sn', picture: 'jpegphoto' });
    const jpeg = mapRecord(record({ uid: '1', sn: 'A', jpegphoto: Buffer.from([0xff, 0xd8, 0xff, 0xe0, 1, 2]) }), sut, canonical);
    assert.ok(jpeg.ok);
    assert.match(jpeg.contact.fields['picture']!.v, /^data:image\/jpeg;base64,/);
    const junk = mapRecord(record({ uid: '2', sn: 'B', jpegphoto: Buffer.from([1, 2, 3]) }), sut, canonical);
    assert.ok(junk.ok);
    assert.equal(junk.contact.fields['picture'], undefined);
    assert.equal(junk.warnings.length, 1);
  });

  test('every problem of a mapping at once, each naming its field', () => {
    const r = compileFieldMapping({
      id: 'uid|i',
      lastName: 'sn|z',
      gsmRedList: 'private|a',
      private: [
        { index: 1, label: '[VIP]', field: 'vip' },
        { index: 1, label: '[vip]', field: 'vip2|p:x' },
      ],
    });
    assert.equal(r.ok, false);
    assert.deepEqual(
      (r as { issues: { path: string }[] }).issues.map((i) => i.path),
      ['fields.id', 'fields.lastName', 'fields.gsmRedList', 'fields.private.1.index', 'fields.private.1.field'],
    );
    const tws = compileFieldMapping({ lastName: 'surname' }, { allowedSources: ['lastname', 'firstname'] });
    assert.equal(tws.ok, false);
    assert.match((tws as { issues: { message: string }[] }).issues[0]!.message, /no field "surname" in this source: use one of lastname, firstname/);
  });
});
