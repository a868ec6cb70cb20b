import type { CstaEdition } from '@tws/csta';
import type { CstaSessionStyle } from './csta-client';

/**
 * What cstaservices knows of each PBX type of the administration (guide 4.1.2): how to talk to
 * it. Only CSTA XML over TCP (ECMA-323 with the 8-byte header) is implemented; for the other
 * types the link still tries it, and says so in the log and in the provider state.
 */
export interface PbxProfile {
  sessionStyle: CstaSessionStyle;
  edition: CstaEdition;
  /** switchDriven: the switch's SystemStatus period as documented (s). */
  heartbeatS?: number;
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
  'snom DEVICE': { ...XML_ECMA354, edition: 'ed5', unsupported: 'uaCSTA over SIP, the phone connecting to the suite (desk-phone server mode)' },
  'snom ONE': { ...XML_ECMA354, edition: 'ed5', unsupported: 'uaCSTA over SIP' },
  Yealink: { ...XML_ECMA354, edition: 'ed3', unsupported: 'uaCSTA over SIP, the phone connecting to the suite (desk-phone server mode)' },
  'UA CSTA ed3': { ...XML_ECMA354, edition: 'ed3', unsupported: 'uaCSTA over SIP' },
  Aastra: { ...XML_ECMA354, unsupported: 'Aastra/Mitel A5000 speaks VTI-XML (vtixmlservices)' },
};

/** The profile of a PBX type; an unknown type is treated as plain ECMA-323 XML. */
export function pbxProfile(pbxType: string): PbxProfile {
  return PBX_PROFILES[pbxType] ?? { ...XML_ECMA354, unsupported: `unknown PBX type "${pbxType}"` };
}
