import type { CompanyEntity, CstaLinkEntity, DeviceEntity, DomainEntity, UserEntity } from '@tws/tenancy-data-access';

export const toCompany = (c: CompanyEntity) => ({ id: c.id, name: c.name, createdAt: c.createdAt.toISOString() });

export const toDomain = (d: DomainEntity) => ({
  id: d.id,
  companyId: d.companyId,
  name: d.name,
  numberingLength: d.numberingLength,
  createdAt: d.createdAt.toISOString(),
});

/** Secrets never leave: only whether each is set. */
export const toDevice = (d: DeviceEntity) => ({
  id: d.id,
  number: d.number,
  protocol: d.protocol,
  passwordSet: d.passwordSealed !== null,
  ip: d.ip,
  video: d.video,
  clientPort: d.clientPort,
  ccoCount: d.ccoCount,
  softphone: d.softphone,
  oneNumber: d.oneNumber,
  serverMonitoring: d.serverMonitoring,
  sipUsername: d.sipUsername,
  sipPasswordSet: d.sipPasswordSealed !== null,
  sipProxy: d.sipProxy,
  sipProxyPort: d.sipProxyPort,
  stun: d.stun,
  realm: d.realm,
  expireInterval: d.expireInterval,
  dtmfMethod: d.dtmfMethod,
  g729: d.g729,
  tls: d.tls,
});

export const toUser = (u: UserEntity) => ({
  id: u.id,
  domainId: u.domainId,
  username: u.username,
  firstName: u.firstName,
  lastName: u.lastName,
  email: u.email,
  gsm: u.gsm,
  ip: u.ip,
  enabled: u.enabled,
  culture: u.culture,
  passwordSet: u.passwordHash !== null,
  voicemailPasswordSet: u.voicemailPasswordSealed !== null,
  privateFields: u.privateFields ?? {},
  devices: (u.devices ?? []).map(toDevice).sort((a, b) => a.number.localeCompare(b.number)),
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
