/**
 * Escaping of a user name before it goes into LDAP text, so that whatever is typed in the login
 * box stays one value: `*)(uid=*` cannot widen a filter, `admin,ou=x` cannot move a DN.
 */

/**
 * An attribute value for a DN (RFC 4514 §2.4): `\` before `"`, `+`, `,`, `;`, `<`, `>`, `\`, and
 * `=` (not required by the RFC, but harmless and avoids confusing parsers); `#` or a space at the
 * start and a space at the end escaped; NUL and other control characters as `\XX` hex.
 * Non-ASCII characters (accents) are kept as UTF-8, as RFC 4514 allows.
 */
export function escapeDnValue(value: string): string {
  let out = '';
  for (const ch of value) {
    if ('"+,;<>\\='.includes(ch)) out += `\\${ch}`;
    else if (ch.charCodeAt(0) < 0x20 || ch === '\x7f') out += `\\${ch.charCodeAt(0).toString(16).padStart(2, '0')}`;
    else out += ch;
  }
  if (out.startsWith('#') || out.startsWith(' ')) out = `\\${out}`;
  if (out.endsWith(' ') && !out.endsWith('\\ ')) out = `${out.slice(0, -1)}\\ `;
  return out;
}

/**
 * A value for a search filter (RFC 4515 §3): `*`, `(`, `)`, `\` and NUL as `\XX`; the other
 * bytes stay (UTF-8).
 */
export function escapeFilterValue(value: string): string {
  return value.replace(/[*()\\\0]/g, (c) => `\\${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

/** `template` with every `?` replaced by `value` (the guide's AuthLdapDn placeholder). */
export function fillTemplate(template: string, value: string): string {
  return template.split('?').join(value);
}
