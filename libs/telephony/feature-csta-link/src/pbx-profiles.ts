import type { CstaEdition } from '@tws/csta';
import type { CstaSessionStyle } from './csta-client';

/**
 * What cstaservices knows of each PBX type of the administration (guide 4.1.2): how to talk to
 * it. Implemented: CSTA XML over TCP (ECMA-323 with the 8-byte header) as a client of the PBX,
 * and uaCSTA over SIP/TCP as a server the desk phones connect to (guide 11.2); for the other
 * types the link still tries CSTA XML over TCP, and says so in the log and in the provider state.
 */
export interface PbxProfile {
  sessionStyle: CstaSessionStyle;
  edition: CstaEdition;
  /** switchDriven: the switch's SystemStatus period as documented (s). */
  heartbeatS?: number;
  /**
   * `tcpClient` (default): cstaservices connects to the PBX at the link's host:port;
   * `uacstaServer`: cstaservices listens on the link's port and each desk phone registers its CTI
   * identity, then carries CSTA in SIP INFO (ECMA TR/87 uaCSTA).
   */
  transport?: 'tcpClient' | 'uacstaServer';
  /** What the PBX really speaks, when that is not implemented yet (undefined: implemented). */
  unsupported?: string;
}

const XML_ECMA354: PbxProfile = { sessionStyle: 'ecma354', edition: 'ed4' };

export const PBX_PROFILES: Readonly<Record<string, PbxProfile>> = {
  'ECMA-323 XML': XML_ECMA354,
  // OpenScape Voice speaks CSTA XML (ed4) and drives the link with SystemStatus; HiPath 4000
  // "CSTA Phase III" is ASN.1 BER, not implemented.
  'Siemens CSTAp3': { sessionStyle: 'switchDriven', edition: 'ed4', heartbeatS: 30 },
  'Alcatel 4400': { ...XML_ECMA354, unsupported: 'CSTA Phase II/III ASN.1 BER with a 2-byte length (OmniPCX Enterprise)' },
  'Alcatel OXO': { ...XML_ECMA354, unsupported: 'CSTA Phase II/III ASN.1 BER after the B/P handshake (OmniPCX Office)' },
  Cisco: { ...XML_ECMA354, unsupported: 'Cisco CTI (JTAPI/CTIQBE), not CSTA' },
  'Cisco CME': { ...XML_ECMA354, unsupported: 'Cisco CME CSTA over SIP (uaCSTA)' },
  Mitel: { ...XML_ECMA354, unsupported: 'Mitel MiVoice CSTA — unverified' },
  // Desk phones (guide 11.2): the phone registers "66-<account>" on the link's port over SIP/TCP.
  'snom DEVICE': { sessionStyle: 'ecma354', edition: 'ed3', transport: 'uacstaServer' },
  'snom ONE': { ...XML_ECMA354, edition: 'ed5', unsupported: 'uaCSTA over SIP' },
  Yealink: { sessionStyle: 'ecma354', edition: 'ed3', transport: 'uacstaServer' },
  'UA CSTA ed3': { sessionStyle: 'ecma354', edition: 'ed3', transport: 'uacstaServer' },
  Aastra: { ...XML_ECMA354, unsupported: 'Aastra/Mitel A5000 speaks VTI-XML (vtixmlservices)' },
};

/** The profile of a PBX type; an unknown type is treated as plain ECMA-323 XML. */
export function pbxProfile(pbxType: string): PbxProfile {
  return PBX_PROFILES[pbxType] ?? { ...XML_ECMA354, unsupported: `unknown PBX type "${pbxType}"` };
}
