import { test } from 'node:test';
import assert from 'node:assert/strict';
import { findParameter } from './parameter-catalogue';
import { compareGroups, resolveParameters, type StoredParameterValue } from './parameter-resolution';

const vm = findParameter('vmNumber')!;
const hour = findParameter('CallLog-StartCleaningHour')!;
const one = (values: StoredParameterValue[], def = vm) => resolveParameters([def], values)[0]!;
const v = (scope: StoredParameterValue['scope'], text: string, group?: [string, string]): StoredParameterValue => ({
  name: vm.name,
  scope,
  text,
  ...(group ? { groupId: group[0], groupName: group[1] } : {}),
});

test('user > group > domain > default > catalogue', () => {
  const all = [v('default', '1000'), v('domain', '2000'), v('group', '3000', ['g1', 'Sales']), v('user', '4000')];
  assert.deepEqual(one(all).source, { scope: 'user' });
  assert.equal(one(all).text, '4000');
  assert.equal(one(all.slice(0, 3)).text, '3000');
  assert.deepEqual(one(all.slice(0, 3)).source, { scope: 'group', groupId: 'g1', groupName: 'Sales' });
  assert.equal(one(all.slice(0, 2)).text, '2000');
  assert.equal(one(all.slice(0, 1)).text, '1000');
  const none = one([]);
  assert.equal(none.text, '');
  assert.deepEqual(none.source, { scope: 'catalogue' });
});

test('several groups: the first group name wins (case-insensitive, code-point order, then id), the others are named', () => {
  const sut = one([v('group', 'S', ['id-s', 'sales']), v('group', 'B', ['id-b', 'Boss']), v('group', 'D', ['id-d', '10-Direction'])]);
  assert.equal(sut.text, 'D');
  assert.deepEqual(sut.source, { scope: 'group', groupId: 'id-d', groupName: '10-Direction' });
  assert.deepEqual(sut.alsoSetByGroups.map((g) => g.groupName), ['Boss', 'sales']);
  // Same input in another order: same answer.
  assert.equal(one([v('group', 'B', ['id-b', 'Boss']), v('group', 'D', ['id-d', '10-Direction']), v('group', 'S', ['id-s', 'sales'])]).text, 'D');
  assert.ok(compareGroups({ groupId: 'a', groupName: 'boss' }, { groupId: 'b', groupName: 'Sales' }) < 0);
  assert.ok(compareGroups({ groupId: 'b', groupName: 'Team' }, { groupId: 'a', groupName: 'Team' }) > 0);
});

test('values at a scope the parameter does not allow are ignored', () => {
  const sut = one([{ name: hour.name, scope: 'domain', text: '05:00' }, { name: hour.name, scope: 'default', text: '03:00' }], hour);
  assert.equal(sut.text, '03:00');
});
