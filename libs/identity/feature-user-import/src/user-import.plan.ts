/**
 * The heart of a user import (guide 7.2), as pure code: the mapped source entries, the users the
 * domain has now and the synchronization type → what to create, update, disable, delete and
 * ignore (with the reason). No I/O: the runner reads the source and the database, asks for the
 * plan, then applies it in one transaction.
 *
 * Synchronization types, as the guide lists them:
 * - `full` — "Insert, update and delete": create new users, update existing ones, delete the
 *   users of this import that are no longer in the source;
 * - `insert-update-disable` — create, update, and disable the users of this import that are no
 *   longer in the source (enabled again if they come back);
 * - `insert-update` — create and update; users that left the source stay as they are;
 * - `update` — update only the users that already exist in TWS; create nobody.
 *
 * Matching: an entry is the user this import linked to its ID (the mapped ID field, else the
 * source's stable id: AD objectGUID / OpenLDAP entryUUID, else the login); an entry with an ID the
 * import does not know yet is matched to the domain's user with the same login (case ignored),
 * which the import adopts. Deleting and disabling only ever concern users linked to this import:
 * users created by hand, or by another import, are never removed.
 */

export const SYNC_TYPES = ['full', 'insert-update-disable', 'insert-update', 'update'] as const;
export type SyncType = (typeof SYNC_TYPES)[number];

/** A usable source entry with the user fields it gives. */
export interface ImportRow {
  /** Where it is in the source (DN), for the report. */
  ref: string;
  externalId: string;
  username: string;
  lastName: string;
  firstName: string;
  email: string | null;
  gsm: string | null;
  culture: string;
  /** The device number (customized with the dialing plan when asked). */
  number: string;
  /** Mapped private fields, "0".."9" → value ('' when the entry has none). */
  privateFields: Record<string, string>;
}

export type SourceEntry = { ok: true; row: ImportRow } | { ok: false; ref: string; reason: string; externalId?: string };

export interface ExistingUser {
  id: string;
  username: string;
  firstName: string;
  lastName: string;
  email: string | null;
  gsm: string | null;
  culture: string;
  enabled: boolean;
  privateFields: Record<string, string>;
  /** Oldest first. */
  devices: { id: string; number: string }[];
  /** Linked to this import under this ID. */
  link?: { externalId: string; disabledByImport: boolean };
  /** Linked to another import (its description). */
  otherImport?: string;
}

/** A number held in the domain (`domain_number`): a device (of `userId`), an intercom group, a queue... */
export interface NumberHolder {
  number: string;
  ownerType: string;
  ownerId: string;
  userId: string | null;
}

export interface PlanInput {
  syncType: SyncType;
  entries: readonly SourceEntry[];
  existing: readonly ExistingUser[];
  holders: readonly NumberHolder[];
  /** User fields the mapping sets: only those are compared and updated. */
  mapped: { email: boolean; gsm: boolean; culture: boolean; privateIndexes: readonly number[] };
  /** The source stopped early on purpose (size limit): nobody is disabled or deleted. */
  truncated?: boolean;
}

export type UserPatch = Partial<Pick<ExistingUser, 'username' | 'firstName' | 'lastName' | 'email' | 'gsm' | 'culture' | 'enabled' | 'privateFields'>>;

export interface PlannedUpdate {
  userId: string;
  /** The login before the run. */
  login: string;
  row: ImportRow;
  patch: UserPatch;
  /** The number to give: `deviceId` null = add a device. */
  device?: { deviceId: string | null; number: string };
}

export interface ImportPlan {
  create: ImportRow[];
  update: PlannedUpdate[];
  /** Matched, nothing to change (still linked, still put in the group). */
  unchanged: { userId: string; row: ImportRow }[];
  disable: { userId: string; login: string }[];
  delete: { userId: string; login: string }[];
  ignored: { ref: string; reason: string }[];
  warnings: string[];
}

const lower = (s: string) => s.toLowerCase();

/** Who holds a number, in words, for the report. */
function describeHolder(h: NumberHolder, users: Map<string, ExistingUser>): string {
  if (h.ownerType === 'device') {
    const u = h.userId ? users.get(h.userId) : undefined;
    return u ? `the device of the user "${u.username}"` : 'another device';
  }
  return `a ${h.ownerType.replace(/-/g, ' ')}`;
}

export function planImport(input: PlanInput): ImportPlan {
  const plan: ImportPlan = { create: [], update: [], unchanged: [], disable: [], delete: [], ignored: [], warnings: [] };
  const users = new Map(input.existing.map((u) => [u.id, u]));
  const byLink = new Map<string, ExistingUser>();
  const byLogin = new Map<string, ExistingUser>();
  for (const u of input.existing) {
    if (u.link) byLink.set(u.link.externalId, u);
    byLogin.set(lower(u.username), u);
  }
  const sourceIds = new Set(input.entries.map((e) => (e.ok ? e.row.externalId : e.externalId)).filter((x): x is string => !!x));

  // Pass 1: which user each entry is, and which linked users the source still has.
  const seen = new Set<string>();
  const matched: { row: ImportRow; user?: ExistingUser }[] = [];
  const ids = new Set<string>();
  for (const e of input.entries) {
    if (!e.ok) {
      plan.ignored.push({ ref: e.ref, reason: e.reason });
      // Still in the source: a bad value does not make its user disappear.
      const u = e.externalId ? byLink.get(e.externalId) : undefined;
      if (u) seen.add(u.id);
      continue;
    }
    const row = e.row;
    if (ids.has(row.externalId)) {
      plan.ignored.push({ ref: row.ref, reason: `duplicate ID "${row.externalId}": an earlier entry of the source has it` });
      continue;
    }
    ids.add(row.externalId);
    let user = byLink.get(row.externalId);
    if (!user) {
      const sameLogin = byLogin.get(lower(row.username));
      if (sameLogin?.otherImport !== undefined) {
        plan.ignored.push({ ref: row.ref, reason: `the user "${sameLogin.username}" belongs to the import "${sameLogin.otherImport}"` });
        continue;
      }
      if (sameLogin?.link && sourceIds.has(sameLogin.link.externalId)) {
        plan.ignored.push({ ref: row.ref, reason: `duplicate login "${row.username}": another entry of the source (ID "${sameLogin.link.externalId}") is this user` });
        continue;
      }
      user = sameLogin;
    }
    if (user && seen.has(user.id)) {
      plan.ignored.push({ ref: row.ref, reason: `duplicate login "${row.username}": an earlier entry of the source has it` });
      continue;
    }
    if (user) seen.add(user.id);
    matched.push({ row, user });
  }

  // Users of this import that left the source.
  const vanished = input.existing.filter((u) => u.link && !seen.has(u.id));
  const deleting = new Set<string>();
  if (vanished.length && input.truncated) {
    plan.warnings.push(`the source was not read to the end: the ${vanished.length} user(s) of this import not seen were neither disabled nor deleted`);
  } else if (input.syncType === 'full') {
    for (const u of vanished) {
      plan.delete.push({ userId: u.id, login: u.username });
      deleting.add(u.id);
    }
  } else if (input.syncType === 'insert-update-disable') {
    for (const u of vanished) if (u.enabled) plan.disable.push({ userId: u.id, login: u.username });
  }

  // Pass 2: logins and numbers must be free; then create, update or leave alone.
  const holders = new Map(input.holders.map((h) => [h.number, h]));
  const logins = new Set<string>();
  const numbers = new Set<string>();
  for (const { row, user } of matched) {
    const ignore = (reason: string) => plan.ignored.push({ ref: row.ref, reason });
    if (!user && input.syncType === 'update') {
      ignore(`no TWS user has this ID or the login "${row.username}" (Update only creates no user)`);
      continue;
    }
    if (logins.has(lower(row.username))) {
      ignore(`duplicate login "${row.username}": an earlier entry of the source has it`);
      continue;
    }
    const loginOwner = byLogin.get(lower(row.username));
    if (loginOwner && loginOwner.id !== user?.id && !deleting.has(loginOwner.id)) {
      ignore(`the login "${row.username}" is already used by another user of the domain`);
      continue;
    }
    if (numbers.has(row.number)) {
      ignore(`duplicate number ${row.number}: an earlier entry of the source has it`);
      continue;
    }
    const holder = holders.get(row.number);
    if (holder && !(holder.userId && (holder.userId === user?.id || deleting.has(holder.userId)))) {
      ignore(`the number ${row.number} is already used in the domain by ${describeHolder(holder, users)}`);
      continue;
    }
    logins.add(lower(row.username));
    numbers.add(row.number);
    if (!user) {
      plan.create.push(row);
      continue;
    }
    const patch = diff(user, row, input.mapped);
    const device = user.devices.some((d) => d.number === row.number) ? undefined : { deviceId: user.devices[0]?.id ?? null, number: row.number };
    if (Object.keys(patch).length || device) plan.update.push({ userId: user.id, login: user.username, row, patch, ...(device ? { device } : {}) });
    else plan.unchanged.push({ userId: user.id, row });
  }
  return plan;
}

/** What the entry changes on the user: only the fields the mapping sets. */
function diff(user: ExistingUser, row: ImportRow, mapped: PlanInput['mapped']): UserPatch {
  const patch: UserPatch = {};
  if (user.username !== row.username) patch.username = row.username;
  if (user.firstName !== row.firstName) patch.firstName = row.firstName;
  if (user.lastName !== row.lastName) patch.lastName = row.lastName;
  if (mapped.email && user.email !== row.email) patch.email = row.email;
  if (mapped.gsm && user.gsm !== row.gsm) patch.gsm = row.gsm;
  if (mapped.culture && user.culture !== row.culture) patch.culture = row.culture;
  if (user.link?.disabledByImport && !user.enabled) patch.enabled = true;
  if (mapped.privateIndexes.length) {
    const next: Record<string, string> = { ...user.privateFields };
    for (const i of mapped.privateIndexes) {
      const v = row.privateFields[String(i)] ?? '';
      if (v === '') delete next[String(i)];
      else next[String(i)] = v;
    }
    const same = (a: Record<string, string>, b: Record<string, string>) => Object.keys(a).length === Object.keys(b).length && Object.entries(a).every(([k, v]) => b[k] === v);
    if (!same(next, user.privateFields)) patch.privateFields = next;
  }
  return patch;
}
