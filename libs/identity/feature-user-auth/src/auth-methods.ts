import { AUTH_METHODS, type AuthMethod } from '@tws/contracts';

/**
 * The methods of an `AuthMethods` value, in order: the guide's `TWS|LDAP` text (or an array),
 * names matched case-insensitively, unknown names and repeats dropped.
 */
export function parseAuthMethods(value: string | readonly string[] | null | undefined): AuthMethod[] {
  const items = Array.isArray(value) ? value : String(value ?? '').split('|');
  const out: AuthMethod[] = [];
  for (const item of items) {
    const m = AUTH_METHODS.find((x) => x.toLowerCase() === item.trim().toLowerCase());
    if (m && !out.includes(m)) out.push(m);
  }
  return out;
}
