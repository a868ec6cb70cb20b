import type { CompanyEntity, CstaLinkEntity, DomainEntity, UserEntity } from '@tws/tenancy-data-access';

export const toCompany = (c: CompanyEntity) => ({ id: c.id, name: c.name, createdAt: c.createdAt.toISOString() });

export const toDomain = (d: DomainEntity) => ({
  id: d.id,
  companyId: d.companyId,
  name: d.name,
  numberingLength: d.numberingLength,
  createdAt: d.createdAt.toISOString(),
});

export const toUser = (u: UserEntity) => ({
  id: u.id,
  domainId: u.domainId,
  username: u.username,
  firstName: u.firstName,
  lastName: u.lastName,
  email: u.email,
  gsm: u.gsm,
  enabled: u.enabled,
  devices: (u.devices ?? []).map((d) => ({ id: d.id, number: d.number, protocol: d.protocol })).sort((a, b) => a.number.localeCompare(b.number)),
  createdAt: u.createdAt.toISOString(),
});

/** The password never leaves: only whether one is set. */
export const toCstaLink = (l: CstaLinkEntity) => ({
  id: l.id,
  domainId: l.domainId,
  name: l.name,
  host: l.host,
  port: l.port,
  pbxType: l.pbxType,
  pbxDomain: l.pbxDomain,
  username: l.username,
  passwordSet: l.passwordSealed !== null,
  capacity: l.capacity,
  enabled: l.enabled,
  createdAt: l.createdAt.toISOString(),
});
