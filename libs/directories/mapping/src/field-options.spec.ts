import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { applyTransforms, parseFieldSpec, type FieldSpec } from './field-options';

const parse = (text: string): FieldSpec => {
  const r = parseFieldSpec(text);
  if (!r.ok) throw new Error(r.reason);
  if (!r.spec) throw new Error('not mapped');
  return r.spec;
};
const refused = (text: string): string => {
  const r = parseFieldSpec(text);
  assert.equal(r.ok, false, `${text} should be refused`);
  return (r as { reason: string }).reason;
};
const apply = (text: string, value: string) => applyTransforms(parse(text), value);

describe('field options (guide 8.1 "Adding options")', () => {
  test('a field name alone, lower-cased as the guide asks for LDAP names', () => {
    const sut = parse(' telephoneNumber ');
    assert.equal(sut.source, 'telephonenumber');
    assert.deepEqual([sut.transforms, sut.invisible, sut.address], [[], false, false]);
    assert.deepEqual(parseFieldSpec('   '), { ok: true, spec: null }, 'empty: not mapped');
  });

  test('the guide examples: Surname|u and Surname|h,u,p : 9{0} : ^[0-9]{4}$', () => {
    assert.equal(apply('Surname|u', 'Dupont'), 'DUPONT');
    const sut = parse('Surname|h,u,p : 9{0} : ^[0-9]{4}$');
    assert.equal(sut.source, 'surname');
    assert.deepEqual(sut.transforms.map((t) => t.kind), ['hash', 'upper', 'pattern']);
    assert.equal(apply('PhoneNumber|p : 9{0} : ^[0-9]{4}$', '4711'), '94711', '{0} is the value; the regexp allows it');
    assert.equal(apply('PhoneNumber|p : 9{0} : ^[0-9]{4}$', '0155171889'), '0155171889', 'not 4 digits: unchanged');
    assert.equal(apply('PhoneNumber|p:+33 (0){0}', '155171889'), '+33 (0)155171889', 'no condition: always');
    assert.equal(apply('x|p : ({0}) ext : ^[0-9]{1,4}$', '12'), '(12) ext', 'commas inside the expression are not separators');
  });

  test('case options l, m, u; hash h; flags a and i', () => {
    assert.equal(apply('sn|l', 'DuPont'), 'dupont');
    assert.equal(apply('sn|m', 'dUPONT'), 'Dupont');
    assert.equal(apply('sn|m', 'élodie'), 'Élodie');
    assert.match(apply('id|h', 'cn=a,dc=b'), /^[0-9a-f]{64}$/);
    assert.equal(apply('id|h', 'x'), apply('id|h', 'x'), 'stable');
    const flags = parse('street|a, i ,U');
    assert.deepEqual([flags.address, flags.invisible, flags.transforms.map((t) => t.kind)], [true, true, ['upper']]);
    assert.equal(apply('sn|u', ''), '', 'an empty value stays empty');
    assert.equal(apply('x|p : 9{0}', ''), '', 'no prefix on nothing');
  });

  test('options run in the order written', () => {
    assert.equal(apply('x|p : ab{0},u', 'c'), 'ABC');
    assert.equal(apply('x|u,p : ab{0}', 'c'), 'abC');
  });

  test('invalid options are refused with the reason', () => {
    assert.match(refused('sn|x'), /unknown option "x"/);
    assert.match(refused('sn|'), /no option after "\|"/);
    assert.match(refused('sn|u,,l'), /empty/);
    assert.match(refused('|u'), /field name is missing/);
    assert.match(refused('x|p : 9 : ^[0-9]$'), /must contain \{0\}/);
    assert.match(refused('x|p :  : ^a$'), /needs a format/);
    assert.match(refused('x|p : 9{0} : ([0-9]'), /regular expression .* is invalid/);
    assert.match(refused('x|p : 9{0} : (a)\\1'), /invalid/, 'backreferences are not linear-time');
    assert.match(refused('x|p : 9{0} : ((a{100}){100}){100}'), /invalid|too complex/);
    assert.match(refused('x|uu'), /unknown option "uu"/);
  });

  test('a pathological expression runs in linear time', () => {
    const start = performance.now();
    assert.equal(apply('x|p : 9{0} : ^(a+)+$', `${'a'.repeat(5000)}!`), `${'a'.repeat(5000)}!`);
    assert.ok(performance.now() - start < 2000);
  });
});
