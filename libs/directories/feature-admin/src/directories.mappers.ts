import { PHONE_KINDS } from '@tws/contracts';
import type { ContactRow, DirectoryEntity, DirectorySyncRunEntity } from '@tws/directories-data-access';

export function toSyncRun(r: DirectorySyncRunEntity) {
  return {
    id: r.id,
    directoryId: r.directoryId,
    trigger: r.trigger,
    requestedBy: r.requestedBy,
    status: r.status,
    startedAt: r.startedAt,
    finishedAt: r.finishedAt,
    read: r.read,
    created: r.created,
    updated: r.updated,
    unchanged: r.unchanged,
    deleted: r.deleted,
    ignored: r.ignored,
    ignoredReasons: r.ignoredReasons,
    warnings: r.warnings,
    error: r.error,
    cancelRequested: r.cancelRequested,
  };
}

export function toDirectory(d: DirectoryEntity, extra: { contactCount?: number; lastRun?: DirectorySyncRunEntity } = {}) {
  return {
    id: d.id,
    domainId: d.domainId,
    name: d.name,
    type: d.type,
    priority: d.priority,
    serverType: d.serverType,
    connector: d.connector,
    passwordSet: d.passwordSealed !== null,
    fields: d.fieldMapping,
    sync: { mode: d.syncMode, ...(d.syncEvery !== null ? { every: d.syncEvery } : {}), ...(d.syncUnit !== null ? { unit: d.syncUnit } : {}) },
    merge: d.merge,
    lastSyncedAt: d.lastSyncedAt,
    ...(extra.contactCount !== undefined ? { contactCount: extra.contactCount } : {}),
    ...(extra.lastRun ? { lastRun: toSyncRun(extra.lastRun) } : {}),
    createdAt: d.createdAt,
    updatedAt: d.updatedAt,
  };
}

/** A contact for the administrator: every number, red-listed or not, with its flags. */
export function toAdminContact(c: ContactRow) {
  const order = (k: string) => PHONE_KINDS.indexOf(k as (typeof PHONE_KINDS)[number]);
  const f = c.fields;
  return {
    id: c.id,
    directoryId: c.directoryId,
    ownerUserId: c.ownerUserId,
    externalId: c.externalId,
    lastName: c.lastName,
    firstName: c.firstName,
    company: c.company,
    picture: f['picture']?.v ?? null,
    mail1: f['mail1']?.v ?? null,
    mail2: f['mail2']?.v ?? null,
    url: f['url']?.v ?? null,
    phones: [...c.phones].sort((a, b) => order(a.kind) - order(b.kind)),
    privateFields: Object.entries(f)
      .filter(([k]) => /^private[0-9]$/.test(k))
      .map(([k, v]) => ({ index: Number(k.slice(7)), label: v.label ?? '', value: v.v, ...(v.i ? { invisible: true } : {}), ...(v.a ? { address: true } : {}) }))
      .sort((a, b) => a.index - b.index),
    invisibleFields: Object.entries(f)
      .filter(([, v]) => v.i)
      .map(([k]) => k),
    vip: c.vip,
    updatedAt: c.updatedAt,
  };
}
export type AdminContact = ReturnType<typeof toAdminContact>;
