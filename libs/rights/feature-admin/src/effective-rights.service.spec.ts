import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createLogger } from '@tws/logging';
import type { AuthorizationsRepository, UserRightsRows } from '@tws/rights-data-access';
import { MetricsRegistry } from '@tws/service';
import { EffectiveRightsService } from './effective-rights.service';

const U = '00000000-0000-4000-8000-000000000001';
const rowsWith = (apps: string[]): UserRightsRows => ({
  user: { id: U, domainId: U, companyId: U },
  groupIds: [],
  held: apps.map((a, i) => ({ id: `00000000-0000-4000-8000-00000000010${i}`, objectType: 'application', objectRef: a, subjectType: 'user', subjectId: U })),
  viewing: [],
  groupMembers: new Map(),
});

/** A repository whose answers the test controls, counting the loads. */
function fakeRepo() {
  const state = { apps: ['caller'], loads: 0, gate: undefined as Promise<void> | undefined, known: true };
  const repo = {
    loadUserRights: async () => {
      state.loads++;
      const apps = [...state.apps];
      await state.gate;
      return state.known ? rowsWith(apps) : undefined;
    },
  } as unknown as AuthorizationsRepository;
  return { state, repo };
}

const make = (repo: AuthorizationsRepository) => new EffectiveRightsService(repo, new MetricsRegistry(), createLogger('web-services', 'silent'));

describe('effective rights cache', () => {
  test('answers from the cache until something changes', async () => {
    const { state, repo } = fakeRepo();
    const sut = make(repo);
    assert.equal((await sut.check(U, 'application', 'caller'))?.allowed, true);
    state.apps = [];
    assert.equal((await sut.check(U, 'application', 'caller'))?.allowed, true, 'cached');
    assert.equal(state.loads, 1);
    sut.invalidate('authorization revoked');
    assert.equal((await sut.check(U, 'application', 'caller'))?.allowed, false);
    assert.equal(state.loads, 2);
  });

  test('concurrent callers share one load', async () => {
    const { state, repo } = fakeRepo();
    const sut = make(repo);
    await Promise.all(Array.from({ length: 20 }, () => sut.query(U)));
    assert.equal(state.loads, 1);
  });

  test('a load that straddles a change does not fill the cache with the old rights', async () => {
    const { state, repo } = fakeRepo();
    const sut = make(repo);
    let open!: () => void;
    state.gate = new Promise((r) => (open = r));
    const old = sut.query(U, 'application');
    await new Promise((r) => setImmediate(r)); // the load has read the old rows
    state.apps = [];
    sut.invalidate('authorization revoked');
    state.gate = undefined;
    open();
    assert.deepEqual((await old)?.rights.application, ['caller'], 'the caller that asked before the change gets the old answer');
    assert.deepEqual((await sut.query(U, 'application'))?.rights.application, [], 'the next one reloads');
    assert.equal(state.loads, 2);
  });

  test('an unknown user is not cached', async () => {
    const { state, repo } = fakeRepo();
    state.known = false;
    const sut = make(repo);
    assert.equal(await sut.query(U), undefined);
    state.known = true;
    assert.ok(await sut.query(U));
  });
});
