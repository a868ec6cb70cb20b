import type {
  CollaborationServerEntity,
  IntercomGroupDeviceEntity,
  IntercomGroupEntity,
  PhoneQueueEntity,
  SipLinkEntity,
  SmsProviderEntity,
  VirtualDeviceResourceEntity,
  VtiXmlLinkEntity,
} from '@tws/telephony-data-access';

// Secrets never leave: responses say only whether each is set.

export const toVtiXmlLink = (l: VtiXmlLinkEntity) => ({
  id: l.id,
  domainId: l.domainId,
  host: l.host,
  port: l.port,
  siteCluster: l.siteCluster,
  capacity: l.capacity,
  audit: l.audit,
  enabled: l.enabled,
  createdAt: l.createdAt.toISOString(),
});

export const toSipLink = (l: SipLinkEntity) => ({
  id: l.id,
  domainId: l.domainId,
  host: l.host,
  port: l.port,
  pbxType: l.pbxType,
  createdAt: l.createdAt.toISOString(),
});

export const toIntercomDevice = (d: IntercomGroupDeviceEntity) => ({
  id: d.id,
  number: d.number,
  ccoCount: d.ccoCount,
  protocol: d.protocol,
  mediaProtocol: d.mediaProtocol,
  passwordSet: d.passwordSealed !== null,
});

export const toIntercomGroup = (g: IntercomGroupEntity) => ({
  id: g.id,
  domainId: g.domainId,
  name: g.name,
  devices: (g.devices ?? []).map(toIntercomDevice).sort((a, b) => a.number.localeCompare(b.number)),
  createdAt: g.createdAt.toISOString(),
});

export const toPhoneQueue = (q: PhoneQueueEntity) => ({
  id: q.id,
  domainId: q.domainId,
  name: q.name,
  number: q.number,
  ccoCount: q.ccoCount,
  protocol: q.protocol,
  mediaProtocol: q.mediaProtocol,
  passwordSet: q.passwordSealed !== null,
  createdAt: q.createdAt.toISOString(),
});

export const toSmsProvider = (p: SmsProviderEntity) => ({
  id: p.id,
  domainId: p.domainId,
  host: p.host,
  keySet: p.keySealed !== null,
  createdAt: p.createdAt.toISOString(),
});

export const toCollaborationServer = (s: CollaborationServerEntity) => ({
  id: s.id,
  domainId: s.domainId,
  type: s.type,
  host: s.host,
  port: s.port,
  msDomain: s.msDomain,
  username: s.username,
  passwordSet: s.passwordSealed !== null,
  createdAt: s.createdAt.toISOString(),
});

export const toVirtualDeviceResource = (r: VirtualDeviceResourceEntity) => ({
  id: r.id,
  domainId: r.domainId,
  application: r.application,
  number: r.number,
  protocol: 'SIP' as const,
  mediaProtocol: 'None' as const,
  passwordSet: true,
  createdAt: r.createdAt.toISOString(),
});
