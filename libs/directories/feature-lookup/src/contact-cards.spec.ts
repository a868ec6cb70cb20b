import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { compileDialingPlan, standardRules } from '@tws/dialing-plan';
import type { VisibleContactRow } from '@tws/directories-data-access';
import { contactCard, mergeCards, needsMapUrl } from './contact-cards';
import { mergedProfiles, numberPrefixes } from './directory-lookup.service';

const row = (over: Partial<VisibleContactRow> = {}): VisibleContactRow => ({
  id: 'c1',
  directoryId: 'd1',
  directoryName: 'LDAP',
  priority: 1,
  directoryDomainId: 'dom',
  merge: true,
  ownerUserId: null,
  externalId: 'e1',
  lastName: 'Déné',
  firstName: 'Hélène',
  company: 'Acme',
  fields: {
    lastName: { v: 'Déné' },
    firstName: { v: 'Hélène' },
    company: { v: 'Acme', i: true },
    private0: { v: '1 rue de la Paix', a: true, label: 'Address' },
  },
  vip: null,
  mergeMail: 'h@x.fr',
  updatedAt: new Date(0),
  phones: [
    { kind: 'gsm', number: '06 11 22 33 44', canonical: '+33611223344', redList: true, invisible: false },
    { kind: 'professional', number: '01 44 55 66 77', canonical: '+33144556677', redList: false, invisible: true },
  ],
  ...over,
});

describe('contact cards', () => {
  test('Caller view: red-listed numbers without their number, option i fields left out, option a linked', () => {
    const sut = contactCard(row(), 'caller', 'https://maps.example/?q=');
    assert.deepEqual(sut.phones, [{ kind: 'gsm', number: null, canonical: null, redList: true }]);
    assert.equal(sut.company, '');
    assert.equal(sut.displayName, 'Hélène Déné');
    assert.deepEqual(sut.privateFields, [{ index: 0, label: 'Address', value: '1 rue de la Paix', mapUrl: 'https://maps.example/?q=1%20rue%20de%20la%20Paix' }]);
    assert.equal(needsMapUrl(row(), 'caller'), true);
  });

  test('Alerter view: option i fields are there', () => {
    const sut = contactCard(row(), 'alerter', undefined);
    assert.equal(sut.company, 'Acme');
    assert.deepEqual(sut.phones.map((p) => p.kind), ['professional', 'gsm'], 'in the order of the Fields tab');
    assert.equal(sut.privateFields[0]!.mapUrl, undefined, 'no MapServiceURL: no link');
  });

  test('merge completes the winning card with what the others have, and says from where', () => {
    const main = contactCard(row({ fields: { lastName: { v: 'Déné' } }, company: '', phones: [] }), 'caller', undefined);
    const other = contactCard(
      row({ id: 'c2', directoryId: 'd2', priority: 5, company: 'Acme', fields: { company: { v: 'Acme' }, url: { v: 'https://acme' } }, vip: 'VIP', phones: [{ kind: 'standard', number: '01', canonical: '+331', redList: false, invisible: false }] }),
      'caller',
      undefined,
    );
    const sut = mergeCards(main, [other]);
    assert.deepEqual([sut.company, sut.url, sut.vip, sut.phones.map((p) => p.kind)], ['Acme', 'https://acme', 'VIP', ['standard']]);
    assert.deepEqual(sut.mergedFrom, [{ directoryId: 'd2', contactId: 'c2' }]);
    assert.equal(mergeCards(sut, [contactCard(row({ id: 'c3', fields: {}, phones: [] }), 'caller', undefined)]).mergedFrom.length, 1, 'a contact that adds nothing is not listed');
  });

  test('search results as profiles: a merge-enabled contact whose Mail 1 an earlier merge-enabled result has is not a result of its own', () => {
    const rows = [
      row({ id: 'a', mergeMail: 'x@corp.fr' }),
      row({ id: 'b', mergeMail: null }),
      row({ id: 'c', mergeMail: 'x@corp.fr', merge: false }),
      row({ id: 'd', mergeMail: 'x@corp.fr' }),
      row({ id: 'e', mergeMail: 'y@corp.fr' }),
      row({ id: 'f', mergeMail: 'y@corp.fr' }),
    ];
    assert.deepEqual(mergedProfiles(rows).map((r) => r.id), ['a', 'b', 'c', 'e'], 'c: its directory does not merge');
    assert.deepEqual(mergedProfiles(rows.slice(3)).map((r) => r.id), ['d', 'e']);
  });

  test('number prefixes: a national number cut short is also read as the start of an E.164 number', () => {
    const settings = { internationalPrefix: '00', localCountryPrefix: '33', externalPrefix: '0', internalLength: 4 };
    const compiled = compileDialingPlan(settings, standardRules(settings));
    assert.ok(compiled.ok);
    const plan = compiled.plan;
    assert.deepEqual(numberPrefixes(plan, '01 55', plan.toCanonical('01 55')), ['0155', '+33155']);
    assert.deepEqual(numberPrefixes(plan, '01 55 17 18 89', plan.toCanonical('01 55 17 18 89')), ['+33155171889']);
    assert.deepEqual(numberPrefixes(plan, '4711', '4711'), ['4711']);
    assert.deepEqual(numberPrefixes(plan, '0044 20', plan.toCanonical('0044 20')), ['+4420']);
  });
});
