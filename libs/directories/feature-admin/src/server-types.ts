import { Injectable } from '@nestjs/common';
import { z } from 'zod';
import type { DirectoryServerType } from '@tws/contracts';
import { LdapConnector, ldapSettingsSchema } from '@tws/directories-connector-ldap';
import { OdbcConnector, odbcSettingsSchema } from '@tws/directories-connector-odbc';
import { TWS_USER_SOURCE_FIELDS, TWS_USERS_DEFAULT_MAPPING, TwsUsersConnector } from '@tws/directories-data-access';
import type { DirectoryConnector, FieldMappingInput } from '@tws/directories-mapping';

/** What the admin API and the synchronization need to know about one server type. */
export interface ServerTypeSupport {
  serverType: DirectoryServerType;
  /** The Connector tab's settings. */
  settings: z.ZodType<Record<string, unknown>>;
  /** Undefined: the contacts are written in TWS, not synchronized (TWS contacts). */
  connector?: DirectoryConnector<any>;
  /** The Fields tab a new directory starts with; undefined: no mapping (TWS contacts). */
  defaultMapping?: FieldMappingInput;
  /** Source fields a mapping may name (fixed sources); any when undefined. */
  allowedSources?: readonly string[];
  /** Private directories hold each user's own contacts. */
  privateAllowed: boolean;
  passwordAllowed: boolean;
}

/** The guide's LDAP example (8.1, 8.3), lower case; the ID defaults to AD objectGUID / OpenLDAP entryUUID. */
export const LDAP_DEFAULT_MAPPING: FieldMappingInput = {
  lastName: 'sn',
  firstName: 'givenname',
  company: 'o',
  professionalPhone: 'telephonenumber',
  gsmPhone: 'mobile',
  personalPhone: 'homephone',
  mail1: 'mail',
};

/**
 * The guide's ODBC example (8.4.2: the first line of an Excel or CSV file names the fields), lower
 * case. A table has no stable id of its own: the ID column is mapped.
 */
export const ODBC_DEFAULT_MAPPING: FieldMappingInput = {
  id: 'id',
  lastName: 'lastname',
  firstName: 'firstname',
  company: 'company',
  professionalPhone: 'tel1',
};

const noSettings = z.object({}).strict();

/**
 * The server types of this build. A new connector (Exchange, Office 365, Google, Lotus) is a
 * library exporting a DirectoryConnector and its settings schema, plus one entry here.
 */
@Injectable()
export class ServerTypes {
  private readonly types: Map<DirectoryServerType, ServerTypeSupport>;

  constructor(twsUsers: TwsUsersConnector) {
    this.types = new Map<DirectoryServerType, ServerTypeSupport>([
      ['ldap', { serverType: 'ldap', settings: ldapSettingsSchema, connector: new LdapConnector(), defaultMapping: LDAP_DEFAULT_MAPPING, privateAllowed: false, passwordAllowed: true }],
      ['odbc', { serverType: 'odbc', settings: odbcSettingsSchema, connector: new OdbcConnector(), defaultMapping: ODBC_DEFAULT_MAPPING, privateAllowed: false, passwordAllowed: true }],
      [
        'tws-users',
        { serverType: 'tws-users', settings: noSettings, connector: twsUsers, defaultMapping: TWS_USERS_DEFAULT_MAPPING, allowedSources: TWS_USER_SOURCE_FIELDS, privateAllowed: false, passwordAllowed: false },
      ],
      ['tws-contacts', { serverType: 'tws-contacts', settings: noSettings, privateAllowed: true, passwordAllowed: false }],
    ]);
  }

  get(serverType: DirectoryServerType): ServerTypeSupport {
    const t = this.types.get(serverType);
    if (!t) throw new Error(`no connector for server type ${serverType}`);
    return t;
  }
}
