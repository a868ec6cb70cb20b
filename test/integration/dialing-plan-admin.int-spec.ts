import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { waitFor } from '@tws/testing';
import { AdminApiUnderTest } from './admin-api-harness';

/** Telephony / Dialing plan through the admin API of a real web-services (guide chapter 5). */
describe('admin API: dialing plan', () => {
  const api = new AdminApiUnderTest();
  const call = (method: string, path: string, body?: unknown) => api.call(method, path, body);
  const changes = api.changes;
  let domainId = '';
  const rulesOf = (plan: { rules: { id: string }[] }) => plan.rules.map(({ id: _id, ...r }) => r);

  before(async () => {
    await api.start();
    const company = (await call('POST', '/companies', { name: 'SSDEI' })).body.id;
    domainId = (await call('POST', `/companies/${company}/domains`, { name: 'paris', numberingLength: 4 })).body.id;
  });
  after(() => api.stop());

  test('a new domain has a dialing plan with the standard rules of 5.1', async () => {
    const plan = (await call('GET', `/domains/${domainId}/dialing-plan`)).body;
    assert.equal(plan.settings.internalLength, 4);
    assert.equal(plan.settings.externalPrefix, '0');
    const patterns = plan.rules.map((r: { pattern: string }) => r.pattern);
    for (const p of ['+33(0)', '+330', '#', '*']) assert.ok(patterns.includes(p), `standard rule ${p} in ${patterns}`);
  });

  test('"test these rules" gives the guide\'s results and says which rule applied', async () => {
    const t = await call('POST', `/domains/${domainId}/dialing-plan/test`, { number: '+33155171889' });
    assert.equal(t.status, 200);
    assert.equal(t.body.dialable, '00155171889');
    assert.ok(t.body.rule, 'a rule applied');
    assert.ok(t.body.steps.length > 0);
    assert.equal(t.body.canonical, '+33155171889');
    assert.equal((await call('POST', `/domains/${domainId}/dialing-plan/test`, { number: '+33 (0)1 23 45 67 89' })).body.dialable, '00123456789');
    assert.equal((await call('POST', `/domains/${domainId}/dialing-plan/test`, { number: '4001' })).body.dialable, '4001', 'internal numbers stay');
    const plan = (await call('GET', `/domains/${domainId}/dialing-plan`)).body;
    const draft = await call('POST', `/domains/${domainId}/dialing-plan/test`, {
      number: '3611',
      settings: plan.settings,
      rules: [...rulesOf(plan), { priority: 40, name: 'Minitel', pattern: '3611', value: '03611' }],
    });
    assert.equal(draft.body.dialable, '03611', 'a rule on a number without + : transformation only (5.2)');
    assert.equal(draft.body.externalPrefixAdded, false);
    assert.equal((await call('POST', `/domains/${domainId}/dialing-plan/test`, { number: '---' })).status, 400);
  });

  test('the regular-expression rule of 5.3 is saved and used; the change is audited and announced', async () => {
    const plan = (await call('GET', `/domains/${domainId}/dialing-plan`)).body;
    const saved = await call('PUT', `/domains/${domainId}/dialing-plan`, {
      settings: plan.settings,
      rules: [...rulesOf(plan), { priority: 30, name: 'country (0)', pattern: '[(\\+|[-InternationalPrefix-])?([^(]+)\\([^)]+\\)]', value: '[-ExternalPrefix-][-InternationalPrefix-]$2' }],
    });
    assert.equal(saved.status, 200, JSON.stringify(saved.body));
    assert.equal((await call('POST', `/domains/${domainId}/dialing-plan/test`, { number: '+42(0)141906666' })).body.dialable, '00042141906666');
    await waitFor('the plan change announced', () => changes.some((c) => c.entity === 'dialing-plan' && c.domainId === domainId));
    const audit = (await call('GET', '/audit-log?limit=5')).body;
    assert.ok(audit.some((e: { entity: string }) => e.entity === 'dialing-plan'));
  });

  test('invalid rules are refused at save time with the reason, naming the rule, and nothing changes', async () => {
    const plan = (await call('GET', `/domains/${domainId}/dialing-plan`)).body;
    const bad = await call('PUT', `/domains/${domainId}/dialing-plan`, {
      settings: plan.settings,
      rules: [...rulesOf(plan), { priority: 50, name: 'broken', pattern: '[(0+]', value: '0' }, { priority: 51, name: 'backref', pattern: '[(1)\\1]', value: '1' }],
    });
    assert.equal(bad.status, 400);
    assert.ok(bad.body.details.some((d: { path: string }) => d.path.endsWith('.pattern')), JSON.stringify(bad.body.details));
    assert.equal(bad.body.details.length, 2, 'each bad rule is named');
    const dup = await call('PUT', `/domains/${domainId}/dialing-plan`, { settings: plan.settings, rules: [...rulesOf(plan), { priority: plan.rules[0].priority, pattern: '9', value: '9' }] });
    assert.equal(dup.status, 400);
    assert.deepEqual((await call('GET', `/domains/${domainId}/dialing-plan`)).body, plan, 'nothing changed');
    const badSetting = await call('PUT', `/domains/${domainId}/dialing-plan`, { settings: { ...plan.settings, externalPrefix: 'zero' }, rules: rulesOf(plan) });
    assert.equal(badSetting.status, 400);
    assert.equal(badSetting.body.details[0].path, 'settings.externalPrefix');
  });
});
