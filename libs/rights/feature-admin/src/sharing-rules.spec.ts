import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { grantSchema } from './rights.schemas';
import { sharingRuleIssues } from './sharing-rules';

const PARIS = '00000000-0000-4000-8000-000000000001';
const NICE = '00000000-0000-4000-8000-000000000002';
const X = '00000000-0000-4000-8000-000000000003';
const names = (id: string) => ({ [PARIS]: 'paris', [NICE]: 'nice' })[id] ?? id;

describe('sharing rules (guide 7.4)', () => {
  const fromNice = [{ type: 'group' as const, id: X, domainId: NICE }];

  test('directories, calendars and intercom groups may be shared with other domains', () => {
    for (const t of ['directory', 'calendar', 'intercom-group', 'statistics', 'records'] as const) {
      assert.deepEqual(sharingRuleIssues(t, PARIS, fromNice, names), [], t);
    }
  });

  test('phone queues and call logs may not, and the message says why', () => {
    const q = sharingRuleIssues('phone-queue', PARIS, fromNice, names);
    assert.equal(q.length, 1);
    assert.equal(q[0]!.path, 'subjects.0');
    assert.match(q[0]!.message, /phone queues \(guide 7\.4\.5\) cannot be shared between domains: the phone-queue is in domain paris, this group in domain nice/);
    assert.match(sharingRuleIssues('call-log', PARIS, fromNice, names)[0]!.message, /call logs/);
    assert.deepEqual(sharingRuleIssues('call-log', NICE, fromNice, names), [], 'same domain is fine');
  });
});

describe('grant body', () => {
  const base = { objectType: 'directory', objectRef: X, objectDomainId: PARIS, subjects: [{ type: 'user', id: X }] };
  const issues = (body: unknown) => {
    const r = grantSchema.safeParse(body);
    return r.success ? [] : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
  };

  test('a directory needs its domain; an application needs a known code and no domain', () => {
    assert.deepEqual(issues(base), []);
    assert.match(issues({ ...base, objectDomainId: undefined })[0]!, /^objectDomainId: required/);
    assert.match(issues({ ...base, objectType: 'application', objectRef: 'solitaire', objectDomainId: undefined })[0]!, /^objectRef: not an application code/);
    assert.match(issues({ ...base, objectType: 'application', objectRef: 'caller' })[0]!, /^objectDomainId: applications belong to no domain/);
    assert.match(issues({ ...base, objectRef: 'not-a-uuid' })[0]!, /^objectRef: the uuid of the directory/);
  });

  test('phone queues and intercom groups receive directory rights only, with their domain', () => {
    assert.deepEqual(issues({ ...base, subjects: [{ type: 'phone-queue', id: X, domainId: PARIS }] }), []);
    assert.match(issues({ ...base, subjects: [{ type: 'intercom-group', id: X }] })[0]!, /^subjects\.0\.domainId: required/);
    const calendar = issues({ objectType: 'calendar', objectRef: X, subjects: [{ type: 'phone-queue', id: X, domainId: PARIS }] });
    assert.match(calendar[0]!, /^subjects\.0\.type: phone-queues receive directory rights only/);
  });

  test('the same subject twice is refused', () => {
    assert.match(issues({ ...base, subjects: [{ type: 'user', id: X }, { type: 'user', id: X.toUpperCase() }] })[0]!, /^subjects\.1\.id: appears twice/);
  });
});
