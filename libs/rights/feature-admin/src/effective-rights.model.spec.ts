import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { UserRightsRows } from '@tws/rights-data-access';
import { checkRight, computeRights, rightsAnswer } from './effective-rights.model';

const id = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const [U, G_ALL, G_COMMERCE, BOSS, SALES1, SALES2, DIR, QUEUE, VIEWED, G_PATRONS, P1] = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11].map(id) as [string, ...string[]];
const A = (n: number) => id(100 + n);

/** User U, member of "All"; authorizations as in the guide's examples. */
const rows: UserRightsRows = {
  user: { id: U, domainId: id(900), companyId: id(901) },
  groupIds: [G_ALL!],
  held: [
    { id: A(1), objectType: 'application', objectRef: 'caller', subjectType: 'group', subjectId: G_ALL! },
    { id: A(2), objectType: 'application', objectRef: 'caller', subjectType: 'user', subjectId: U },
    { id: A(3), objectType: 'directory', objectRef: DIR!, subjectType: 'group', subjectId: G_ALL! },
    { id: A(4), objectType: 'phone-queue', objectRef: QUEUE!, subjectType: 'user', subjectId: U },
    // "All" may see the calendars of group Commerce (7.4.3), and U the call log of user "abo 7777" (7.4.6).
    { id: A(5), objectType: 'calendar', objectRef: G_COMMERCE!, subjectType: 'group', subjectId: G_ALL! },
    { id: A(6), objectType: 'call-log', objectRef: BOSS!, subjectType: 'user', subjectId: U },
  ],
  // U sees the statistics of user VIEWED and of group Patrons (9.4.2: granted the other way round).
  viewing: [
    { id: A(7), objectType: 'statistics', objectRef: U, subjectType: 'user', subjectId: VIEWED! },
    { id: A(8), objectType: 'statistics', objectRef: U, subjectType: 'group', subjectId: G_PATRONS! },
  ],
  groupMembers: new Map([
    [G_COMMERCE!, [SALES1!, SALES2!]],
    [G_PATRONS!, [P1!, BOSS!]],
  ]),
};

describe('effective rights', () => {
  const sut = computeRights(rows);

  test('lists each object once per type, through direct and group grants', () => {
    assert.deepEqual(sut.all.rights.application, ['caller']);
    assert.deepEqual(sut.all.rights.directory, [DIR]);
    assert.deepEqual(sut.all.rights['phone-queue'], [QUEUE]);
    assert.deepEqual(sut.all.rights['intercom-group'], []);
    assert.deepEqual(sut.all.groupIds, [G_ALL]);
  });

  test('a calendar shared by a group gives the calendar of each member', () => {
    assert.deepEqual(sut.all.rights.calendar, [SALES1, SALES2].sort());
    assert.deepEqual(sut.all.rights['call-log'], [BOSS]);
  });

  test('statistics are granted the other way round: the subjects are whose data the user sees', () => {
    assert.deepEqual(sut.all.rights.statistics, [VIEWED, P1, BOSS].sort());
    assert.deepEqual(sut.all.rights.records, []);
  });

  test('a check says why: both grants of the same application are listed', () => {
    const r = checkRight(sut, 'application', 'caller');
    assert.equal(r.allowed, true);
    assert.deepEqual(r.via.map((v) => (v.kind === 'authorization' ? v.authorizationId : v.kind)).sort(), [A(1), A(2)]);
    assert.deepEqual(checkRight(sut, 'application', 'stats'), { allowed: false, via: [] });
    assert.equal(checkRight(sut, 'calendar', SALES2!).allowed, true);
    assert.equal(checkRight(sut, 'call-log', SALES1!).allowed, false, 'only calendars of Commerce are shared');
  });

  test('uuids are compared whatever their case', () => {
    assert.equal(checkRight(sut, 'directory', DIR!.toUpperCase()).allowed, true);
  });

  test("a user's own calendar, call log and statistics are always visible", () => {
    assert.deepEqual(checkRight(sut, 'call-log', U), { allowed: true, via: [{ kind: 'self' }] });
    assert.equal(checkRight(sut, 'statistics', U).allowed, true);
    assert.equal(checkRight(sut, 'directory', U).allowed, false);
  });

  test('a query for one type answers only that type', () => {
    assert.deepEqual(rightsAnswer(sut, 'directory').rights, { directory: [DIR] });
    assert.equal(rightsAnswer(sut).rights.application?.length, 1);
  });

  test('a shared group without members gives nothing', () => {
    const empty = computeRights({ ...rows, groupMembers: new Map([[G_COMMERCE!, []]]) });
    assert.deepEqual(empty.all.rights.calendar, []);
  });
});
