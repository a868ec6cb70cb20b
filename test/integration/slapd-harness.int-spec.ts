import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { startTestSlapd, type TestSlapd } from '@tws/testing';

/** The OpenLDAP test peer itself: seeded, size-limited like Active Directory, paged past the limit. */
let ldap: TestSlapd;
before(async () => {
  ldap = await startTestSlapd({ sizeLimit: 10 });
  const people = [`dn: ou=people,${ldap.suffix}\nobjectClass: organizationalUnit\nou: people\n`];
  for (let i = 0; i < 25; i++) people.push(`dn: uid=u${i},ou=people,${ldap.suffix}\nobjectClass: inetOrgPerson\nuid: u${i}\ncn: User ${i}\nsn: Ümlaut${i}\ntelephoneNumber: +33 1 55 17 18 ${String(i).padStart(2, '0')}\n`);
  ldap.add(people.join('\n'));
});
after(() => ldap?.stop());

const search = (extra: string[]) =>
  // Anonymous: the root DN is exempt from limits, ordinary clients are not.
  spawnSync('ldapsearch', ['-x', '-H', ldap.url, '-b', `ou=people,${ldap.suffix}`, ...extra, '(uid=*)', 'uid'], { encoding: 'utf8' });

test('an unpaged search stops at the size limit; a paged one returns every entry', () => {
  const unpaged = search([]);
  assert.equal(unpaged.status, 4, 'sizeLimitExceeded');
  assert.equal((unpaged.stdout.match(/^uid: /gm) ?? []).length, 10);
  const paged = search(['-E', 'pr=5/noprompt']);
  assert.equal((paged.stdout.match(/^uid: /gm) ?? []).length, 25);
});
