import { test } from 'node:test';
import assert from 'node:assert/strict';
import { planImport, type ExistingUser, type ImportPlan, type ImportRow, type NumberHolder, type PlanInput, type SourceEntry, type SyncType } from './user-import.plan';

const row = (id: string, extra: Partial<ImportRow> = {}): SourceEntry => ({
  ok: true,
  row: { ref: `uid=${id}`, externalId: id, username: id, lastName: id.toUpperCase(), firstName: '', email: null, gsm: null, culture: 'en-US', number: `40${id.length}${id.charCodeAt(0) % 10}`, privateFields: {}, ...extra },
});
const user = (id: string, login: string, number: string, extra: Partial<ExistingUser> = {}): ExistingUser => ({
  id,
  username: login,
  firstName: '',
  lastName: login.toUpperCase(),
  email: null,
  gsm: null,
  culture: 'en-US',
  enabled: true,
  privateFields: {},
  devices: [{ id: `dev-${id}`, number }],
  ...extra,
});
const linked = (externalId: string, disabledByImport = false) => ({ link: { externalId, disabledByImport } });
const device = (number: string, userId: string): NumberHolder => ({ number, ownerType: 'device', ownerId: `dev-${userId}`, userId });
const mapped = { email: true, gsm: true, culture: false, privateIndexes: [] as number[] };

/** The plan in a few words: what each action concerns. */
function summary(p: ImportPlan) {
  return {
    create: p.create.map((r) => r.username),
    update: p.update.map((u) => `${u.login}${u.patch.enabled ? '+enabled' : ''}${u.device ? `#${u.device.number}` : ''}`),
    unchanged: p.unchanged.map((u) => u.userId),
    disable: p.disable.map((d) => d.login),
    delete: p.delete.map((d) => d.login),
    ignored: p.ignored.map((i) => `${i.ref}: ${i.reason}`),
  };
}
const none = { create: [], update: [], unchanged: [], disable: [], delete: [], ignored: [] };

// The same evolving situation under each type: the source has alice (unchanged), bob (renamed
// last name), carol (new); the import had dave, who left the source; erin was created by hand.
const source = [row('alice', { number: '4001' }), row('bob', { number: '4002', lastName: 'Builder' }), row('carol', { number: '4003' })];
const existing = [
  user('u-alice', 'alice', '4001', linked('alice')),
  user('u-bob', 'bob', '4002', linked('bob')),
  user('u-dave', 'dave', '4004', linked('dave')),
  user('u-erin', 'erin', '4005'),
];
const holders = [device('4001', 'u-alice'), device('4002', 'u-bob'), device('4004', 'u-dave'), device('4005', 'u-erin')];

const cases: { name: string; syncType: SyncType; input?: Partial<PlanInput>; expect: Partial<ReturnType<typeof summary>> }[] = [
  {
    name: 'Full: insert, update and delete the users of this import that left the source (never those made by hand)',
    syncType: 'full',
    expect: { create: ['carol'], update: ['bob'], unchanged: ['u-alice'], delete: ['dave'] },
  },
  {
    name: 'Insert, update and disable: the one that left is disabled',
    syncType: 'insert-update-disable',
    expect: { create: ['carol'], update: ['bob'], unchanged: ['u-alice'], disable: ['dave'] },
  },
  { name: 'Insert and update: the one that left stays', syncType: 'insert-update', expect: { create: ['carol'], update: ['bob'], unchanged: ['u-alice'] } },
  {
    name: 'Update only: no creation, the new entry is ignored with the reason',
    syncType: 'update',
    expect: { update: ['bob'], unchanged: ['u-alice'], ignored: ['uid=carol: no TWS user has this ID or the login "carol" (Update only creates no user)'] },
  },
  {
    name: 'a user disabled by a previous run is enabled again when it comes back',
    syncType: 'insert-update-disable',
    input: { entries: [row('dave', { number: '4004', lastName: 'DAVE' })], existing: [user('u-dave', 'dave', '4004', { enabled: false, ...linked('dave', true) })], holders: [device('4004', 'u-dave')] },
    expect: { update: ['dave+enabled'] },
  },
  {
    name: 'a user disabled by hand (not by the import) is left disabled',
    syncType: 'full',
    input: { entries: [row('dave', { number: '4004', lastName: 'DAVE' })], existing: [user('u-dave', 'dave', '4004', { enabled: false, ...linked('dave') })], holders: [device('4004', 'u-dave')] },
    expect: { unchanged: ['u-dave'] },
  },
  {
    name: 'already disabled users are not disabled again',
    syncType: 'insert-update-disable',
    input: { entries: [], existing: [user('u-dave', 'dave', '4004', { enabled: false, ...linked('dave', true) })], holders: [] },
    expect: {},
  },
  {
    name: 'a user created by hand with the same login (any case) is adopted, not duplicated; its number changes on its first device',
    syncType: 'insert-update',
    input: { entries: [row('erin', { username: 'Erin', lastName: 'ERIN', number: '4099' })], existing: [user('u-erin', 'erin', '4005')], holders: [device('4005', 'u-erin')] },
    expect: { update: ['erin#4099'] },
  },
  {
    name: 'a login of another import is not taken over',
    syncType: 'full',
    input: { entries: [row('erin', { number: '4005' })], existing: [user('u-erin', 'erin', '4005', { otherImport: 'Paris AD' })], holders: [device('4005', 'u-erin')] },
    expect: { ignored: ['uid=erin: the user "erin" belongs to the import "Paris AD"'] },
  },
  {
    name: 'matched by ID, a login changed in the source renames the user',
    syncType: 'insert-update',
    input: { entries: [row('id-1', { username: 'alice.martin', lastName: 'ALICE', number: '4001' })], existing: [user('u-alice', 'alice', '4001', { lastName: 'ALICE', ...linked('id-1') })], holders: [device('4001', 'u-alice')] },
    expect: { update: ['alice'] },
  },
  {
    name: 'a rename onto the login of another user is refused',
    syncType: 'insert-update',
    input: {
      entries: [row('id-1', { username: 'erin', lastName: 'ALICE', number: '4001' })],
      existing: [user('u-alice', 'alice', '4001', { lastName: 'ALICE', ...linked('id-1') }), user('u-erin', 'erin', '4005')],
      holders: [device('4001', 'u-alice'), device('4005', 'u-erin')],
    },
    expect: { ignored: ['uid=id-1: the login "erin" is already used by another user of the domain'] },
  },
  {
    name: 'a number used by another object of the domain is refused, with who has it',
    syncType: 'full',
    input: {
      entries: [row('carol', { number: '4005' }), row('frank', { number: '5000' })],
      existing: [user('u-erin', 'erin', '4005')],
      holders: [device('4005', 'u-erin'), { number: '5000', ownerType: 'phone-queue', ownerId: 'q1', userId: null }],
    },
    expect: {
      ignored: ['uid=carol: the number 4005 is already used in the domain by the device of the user "erin"', 'uid=frank: the number 5000 is already used in the domain by a phone queue'],
    },
  },
  {
    name: 'Full: the number of a user being deleted may go to a new user in the same run',
    syncType: 'full',
    input: { entries: [row('carol', { number: '4004' })], existing: [user('u-dave', 'dave', '4004', linked('dave'))], holders: [device('4004', 'u-dave')] },
    expect: { create: ['carol'], delete: ['dave'] },
  },
  {
    name: 'duplicates in the source: the first entry wins, the others are ignored with the reason',
    syncType: 'insert-update',
    input: { entries: [row('a', { username: 'x', number: '4100' }), row('a', { username: 'y', number: '4101' }), row('b', { username: 'X', number: '4102' }), row('c', { username: 'z', number: '4100' })], existing: [], holders: [] },
    expect: {
      create: ['x'],
      ignored: ['uid=a: duplicate ID "a": an earlier entry of the source has it', 'uid=b: duplicate login "X": an earlier entry of the source has it', 'uid=c: duplicate number 4100: an earlier entry of the source has it'],
    },
  },
  {
    name: 'an entry ignored for a bad value still counts as present: its user is neither disabled nor deleted',
    syncType: 'full',
    input: { entries: [{ ok: false, ref: 'uid=dave', reason: 'no telephone number', externalId: 'dave' }], existing: [user('u-dave', 'dave', '4004', linked('dave'))], holders: [device('4004', 'u-dave')] },
    expect: { ignored: ['uid=dave: no telephone number'] },
  },
  {
    name: 'a source read only in part (size limit) disables and deletes nobody',
    syncType: 'full',
    input: { truncated: true },
    expect: { create: ['carol'], update: ['bob'], unchanged: ['u-alice'] },
  },
  {
    name: 'a user of this import whose entry was recreated (new ID, same login) is re-linked, not duplicated',
    syncType: 'full',
    input: { entries: [row('new-id', { username: 'dave', lastName: 'DAVE', number: '4004' })], existing: [user('u-dave', 'dave', '4004', linked('old-id'))], holders: [device('4004', 'u-dave')] },
    expect: { unchanged: ['u-dave'] },
  },
];

for (const c of cases) {
  test(c.name, () => {
    const p = planImport({ syncType: c.syncType, entries: source, existing, holders, mapped, ...c.input });
    assert.deepEqual(summary(p), { ...none, ...c.expect });
  });
}

test('only the fields the mapping sets are compared; private fields merge by index', () => {
  const u = user('u1', 'ann', '4001', { email: 'old@x.test', gsm: '0600', privateFields: { '0': 'keep', '1': 'old' }, ...linked('ann') });
  const entry = row('ann', { lastName: 'ANN', number: '4001', email: 'new@x.test', gsm: null, privateFields: { '1': 'new', '2': '' } });
  const notMapped = planImport({ syncType: 'insert-update', entries: [entry], existing: [u], holders: [device('4001', 'u1')], mapped: { email: false, gsm: false, culture: false, privateIndexes: [] } });
  assert.deepEqual(notMapped.unchanged.map((x) => x.userId), ['u1']);
  const p = planImport({ syncType: 'insert-update', entries: [entry], existing: [u], holders: [device('4001', 'u1')], mapped: { email: true, gsm: true, culture: true, privateIndexes: [1, 2] } });
  assert.deepEqual(p.update[0]!.patch, { email: 'new@x.test', gsm: null, privateFields: { '0': 'keep', '1': 'new' } });
  assert.equal(p.update[0]!.device, undefined, 'the number is already one of its devices');
});

test('a matched user without a device gets one', () => {
  const p = planImport({ syncType: 'insert-update', entries: [row('ann', { lastName: 'ANN', number: '4001' })], existing: [user('u1', 'ann', '', { devices: [], ...linked('ann') })], holders: [], mapped });
  assert.deepEqual(p.update[0]!.device, { deviceId: null, number: '4001' });
});
