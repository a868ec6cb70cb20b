import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, HttpStatus, Injectable, type PipeTransform } from '@nestjs/common';
import type { Response } from 'express';
import { throwError } from 'rxjs';
import type { z } from 'zod';
import { ContractViolation, issuesToDetails } from '@tws/contracts';
import { RemoteError } from '@tws/messaging';
import type { Logger } from '@tws/logging';

/** API errors: `{ error, message, details }` with the right status. */
export class ApiError extends HttpException {
  constructor(status: number, code: string, message: string, details?: unknown[]) {
    super({ error: code, message, details }, status);
  }
}

export const notFound = (what: string) => new ApiError(HttpStatus.NOT_FOUND, 'not_found', `${what} not found`);
export const conflict = (message: string) => new ApiError(HttpStatus.CONFLICT, 'conflict', message);
export const badRequest = (message: string, details?: unknown[]) => new ApiError(HttpStatus.BAD_REQUEST, 'bad_request', message, details);

const REMOTE_STATUS: Record<string, number> = {
  bad_request: 400,
  not_found: 404,
  conflict: 409,
  no_responders: 503,
  timeout: 504,
  unavailable: 503,
};

/** Maps every error to the JSON error shape; only unexpected failures are 500 (and logged). */
@Catch()
export class ApiExceptionFilter implements ExceptionFilter {
  constructor(private readonly logger: Logger) {}

  catch(exception: unknown, host: ArgumentsHost) {
    // NATS handlers (microservice context): hand the error back untouched, the transport turns
    // it into an `{ ok: false }` reply.
    if (host.getType() !== 'http') return throwError(() => exception);
    const res = host.switchToHttp().getResponse<Response>();
    const { status, body } = toErrorResponse(exception);
    if (status >= 500) this.logger.error({ err: exception }, body.message);
    if (!res.headersSent) res.status(status).json(body);
  }
}

/**
 * The HTTP status and `{ error, message, details }` body for any error: the one mapping of the
 * REST faces (and of the SOAP faults, which carry the same code and message).
 */
export function toErrorResponse(e: unknown): { status: number; body: { error: string; message: string; details?: unknown[] } } {
  if (e instanceof ContractViolation) return { status: 400, body: { error: 'bad_request', message: e.message, details: e.details } };
  if (e instanceof RemoteError) return { status: REMOTE_STATUS[e.code] ?? 502, body: { error: e.code, message: e.message, details: e.details } };
  if (e instanceof HttpException) {
    const status = e.getStatus();
    const r = e.getResponse();
    if (typeof r === 'object' && r && 'error' in r && 'message' in r && typeof (r as any).message === 'string' && typeof (r as any).error === 'string' && (r as any).error === (r as any).error.toLowerCase()) {
      return { status, body: r as any };
    }
    const message = typeof r === 'string' ? r : Array.isArray((r as any)?.message) ? (r as any).message.join('; ') : ((r as any)?.message ?? e.message);
    return { status, body: { error: codeFor(status), message } };
  }
  const pg = e as { code?: string; detail?: string; driverError?: { code?: string; detail?: string } };
  const pgCode = pg?.driverError?.code ?? pg?.code;
  if (pgCode === '23505') return { status: 409, body: { error: 'conflict', message: `already exists: ${pg.driverError?.detail ?? pg.detail ?? ''}`.trim() } };
  if (pgCode === '23503') return { status: 409, body: { error: 'conflict', message: `refers to something that does not exist or is still referenced: ${pg.driverError?.detail ?? pg.detail ?? ''}`.trim() } };
  return { status: 500, body: { error: 'internal', message: 'internal error (logged with the correlation id)' } };
}

function codeFor(status: number): string {
  if (status === 400) return 'bad_request';
  if (status === 404) return 'not_found';
  if (status === 409) return 'conflict';
  if (status === 503) return 'unavailable';
  if (status === 413) return 'payload_too_large';
  return HttpStatus[status]?.toLowerCase() ?? 'error';
}

/** Validates a body/query with a zod schema; 400 naming each wrong field otherwise. */
@Injectable()
export class ZodPipe<S extends z.ZodType> implements PipeTransform {
  constructor(
    private readonly schema: S,
    private readonly what = 'body',
  ) {}

  transform(value: unknown): z.output<S> {
    const r = this.schema.safeParse(value ?? {});
    if (!r.success) {
      const details = issuesToDetails(r.error);
      throw badRequest(`invalid ${this.what}: ${details.map((d) => `${d.path || '(root)'}: ${d.message}`).join('; ')}`, details);
    }
    return r.data;
  }
}

/**
 * `res.locals` key a handler sets to say how the access log should rate its response when the
 * status alone misleads: a SOAP 1.1 client fault goes out with HTTP 500 (WS-I Basic Profile) but
 * is the caller's mistake, so it is logged as a warning, not an error.
 */
export const HTTP_LOG_LEVEL_LOCAL = 'twsLogLevel';

export type HttpLogLevel = 'error' | 'warn' | 'debug';

/** The access-log level of one response: the handler's choice when given, else by status. */
export function httpLogLevel(res: { statusCode: number; locals?: Record<string, unknown> }, err?: unknown): HttpLogLevel {
  const chosen = res.locals?.[HTTP_LOG_LEVEL_LOCAL];
  if (chosen === 'error' || chosen === 'warn' || chosen === 'debug') return chosen;
  return err || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'debug';
}
