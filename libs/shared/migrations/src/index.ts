import { InitialSchema1764300000000 } from './migrations/1764300000000-initial-schema';
import { AdminUsers1764310000000 } from './migrations/1764310000000-admin-users';
import { UsersGroupsRights1764320000000 } from './migrations/1764320000000-users-groups-rights';
import { ApplicationParameters1764350000000 } from './migrations/1764350000000-application-parameters';
import { TelephonyObjects1764360000000 } from './migrations/1764360000000-telephony-objects';
import { DialingPlans1764370000000 } from './migrations/1764370000000-dialing-plans';
import { Directories1764380000000 } from './migrations/1764380000000-directories';
import { UserSessions1764390000000 } from './migrations/1764390000000-user-sessions';
import { UserImports1764400000000 } from './migrations/1764400000000-user-imports';
import { DirectoryOdbc1764415000000 } from './migrations/1764415000000-directory-odbc';
import { ContactNumberSearch1764420000000 } from './migrations/1764420000000-contact-number-search';
import { CallLogCallerIdentity1764430000000 } from './migrations/1764430000000-call-log-caller-identity';

/** The one linear migration history of the shared schema, oldest first. */
export const MIGRATIONS: Function[] = [
  InitialSchema1764300000000,
  AdminUsers1764310000000,
  UsersGroupsRights1764320000000,
  ApplicationParameters1764350000000,
  TelephonyObjects1764360000000,
  DialingPlans1764370000000,
  Directories1764380000000,
  UserSessions1764390000000,
  UserImports1764400000000,
  DirectoryOdbc1764415000000,
  ContactNumberSearch1764420000000,
  CallLogCallerIdentity1764430000000,
];
