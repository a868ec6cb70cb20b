import { InitialSchema1764300000000 } from './migrations/1764300000000-initial-schema';
import { AdminUsers1764310000000 } from './migrations/1764310000000-admin-users';
import { UsersGroupsRights1764320000000 } from './migrations/1764320000000-users-groups-rights';
import { DialingPlans1764370000000 } from './migrations/1764370000000-dialing-plans';

/** The one linear migration history of the shared schema, oldest first. */
export const MIGRATIONS: Function[] = [
  InitialSchema1764300000000,
  AdminUsers1764310000000,
  UsersGroupsRights1764320000000,
  DialingPlans1764370000000,
];
