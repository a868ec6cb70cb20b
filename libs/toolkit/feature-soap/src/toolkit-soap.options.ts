import type { Type } from '@nestjs/common';
import type { z } from 'zod';

/** What MakeCall asks for, once validated (the REST body of `POST /toolkit/v1/calls`). */
export interface MakeCallInput {
  /** Former way of naming the caller: must be the token's domain when given. */
  domain?: string;
  user?: string;
  destination: string;
  device?: string;
}

/** What GetCallLogs asks for, once validated (the REST query of `GET /toolkit/v1/call-logs`). */
export interface CallLogQueryInput {
  domain?: string;
  user?: string;
  limit: number;
  before?: string;
}

/** What Login asks for (the REST body of `POST /toolkit/v1/auth/login`). */
export interface LoginInput {
  domain: string;
  username?: string;
  password?: string;
  application?: string;
}

export interface MakeCallResult {
  device: string;
  /** The destination as the caller gave it. */
  destination: string;
  /** What the PBX was asked to dial (the destination through the domain's dialing plan). */
  dialed: string;
  callRef: string | null;
}

export interface CallLogItem {
  id: string;
  device: string;
  callRef: string;
  direction: 'incoming' | 'outgoing';
  answered: boolean;
  missed: boolean;
  remoteNumber: string | null;
  /** Who the remote number is for this user (reverse lookup in the directories), when known. */
  remoteName: string | null;
  remoteCompany: string | null;
  startedAt: string;
  answeredAt: string | null;
  endedAt: string | null;
  durationS: number;
}

/** The signed-in user a request acts for. */
export interface Caller {
  userId: string;
  username: string;
  domainId: string;
  domain: string;
  companyId: string;
}

export interface LoginResult {
  accessToken: string;
  accessExpiresAt: string;
  refreshToken: string;
  refreshExpiresAt: string;
  method: string;
  user: Caller;
}

/** The HTTP request a SOAP message came in (for the client's address and a trusted proxy's header). */
export interface SoapClient {
  address: string | undefined;
  headers: Record<string, string | string[] | undefined>;
}

/**
 * The toolkit use cases the SOAP face calls: the same object REST calls (ToolkitService of the
 * toolkit REST library), so both faces behave, validate and fail alike.
 */
export interface ToolkitUseCases {
  login(input: LoginInput, client: SoapClient): Promise<LoginResult>;
  /** The owner of an access token; throws (401 unauthenticated) otherwise. */
  authenticate(token: string | undefined): Promise<Caller>;
  makeCall(caller: Caller, input: MakeCallInput): Promise<MakeCallResult>;
  callLogs(caller: Caller, query: CallLogQueryInput): Promise<{ items: CallLogItem[] }>;
}

export interface ToolkitSoapOptions {
  /**
   * The provider implementing the use cases, resolved from the application's container (it need
   * not be exported by its module): the toolkit REST library's ToolkitService.
   */
  useCases: Type<ToolkitUseCases>;
  /** The zod schemas REST validates with: SOAP requests go through the very same ones. */
  schemas: {
    login: z.ZodType<LoginInput, any>;
    makeCall: z.ZodType<MakeCallInput, any>;
    callLogs: z.ZodType<CallLogQueryInput, any>;
  };
}

export const TOOLKIT_SOAP_OPTIONS = Symbol('TOOLKIT_SOAP_OPTIONS');
