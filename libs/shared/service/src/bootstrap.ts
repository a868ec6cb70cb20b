import 'reflect-metadata';
import { type DynamicModule, type INestApplication, Module, type Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NextFunction, Request, Response } from 'express';
import pinoHttp from 'pino-http';
import type { z } from 'zod';
import { baseEnvSchema, loadConfig } from '@tws/config';
import { SERVICES, type ServiceName } from '@tws/contracts';
import { CORRELATION_HEADER, createLogger, currentCorrelationId, withCorrelationId, type Logger } from '@tws/logging';
import { NatsRpcTransport } from '@tws/messaging';
import { PlatformModule } from './platform.module';
import { ApiExceptionFilter, httpLogLevel } from './http-errors';
import { PinoNestLogger } from './nest-logger';
import { MetricsRegistry } from './metrics';
import { NatsService } from './nats.service';

export interface ServiceDefinition<S extends z.ZodObject> {
  service: ServiceName;
  /** The service's environment schema (extends baseEnvSchema). */
  envSchema?: S;
  /** Entities this service's DataSource knows (explicit list). */
  entities?: Function[];
  /** Feature modules, built from the parsed config. */
  imports?: (config: z.output<S>) => (Type<unknown> | DynamicModule)[];
  /** Serve `@ServeRequest` handlers over NATS (queue group = service name). */
  rpc?: boolean;
  /** false: the caller handles SIGTERM/SIGINT and calls app.close() itself (the supervisor). */
  handleSignals?: boolean;
  /** Last touches before listening (OpenAPI, static files...). */
  configure?: (app: INestApplication, config: z.output<S>, logger: Logger) => void | Promise<void>;
}

export interface RunningService<S extends z.ZodObject> {
  app: INestApplication;
  config: z.output<S>;
  logger: Logger;
  port: number;
}

/**
 * Boots one service: config (exit 78 naming any wrong variable), logger, NATS and Postgres in
 * the background, HTTP with health/metrics, correlation ids, JSON errors, graceful SIGTERM.
 */
export async function bootstrapService<S extends z.ZodObject = typeof baseEnvSchema>(
  def: ServiceDefinition<S>,
): Promise<RunningService<S>> {
  const schema = (def.envSchema ?? baseEnvSchema) as S;
  const config = loadConfig(def.service, schema, { HTTP_PORT: SERVICES[def.service].httpPort }) as z.output<S> & z.output<typeof baseEnvSchema>;
  const logger = createLogger(def.service, config.LOG_LEVEL);
  process.on('unhandledRejection', (e) => logger.error({ err: e }, 'unhandled promise rejection'));

  @Module({})
  class ServiceRootModule {}
  const root: DynamicModule = {
    module: ServiceRootModule,
    imports: [
      PlatformModule.forRoot({ service: def.service, config, logger, entities: def.entities ?? [] }),
      ...(def.imports?.(config) ?? []),
    ],
  };

  const app = await NestFactory.create(root, { logger: new PinoNestLogger(logger), abortOnError: false });
  const metrics = app.get(MetricsRegistry);
  const httpLogger = pinoHttp({
    logger,
    genReqId: () => currentCorrelationId() ?? '',
    customLogLevel: (_req, res, err) => httpLogLevel(res, err),
    autoLogging: { ignore: (req) => req.url?.startsWith('/health') === true || req.url === '/metrics' },
  });
  app.use((req: Request, res: Response, next: NextFunction) => {
    withCorrelationId(req.header(CORRELATION_HEADER), () => {
      res.setHeader(CORRELATION_HEADER, currentCorrelationId()!);
      const end = metrics.httpDuration.startTimer({ method: req.method });
      res.on('finish', () => end({ route: (req.route?.path as string | undefined) ?? 'unmatched', status: String(res.statusCode) }));
      httpLogger(req, res);
      next();
    });
  });
  app.useGlobalFilters(new ApiExceptionFilter(logger));
  // useProcessExit: after the shutdown hooks, exit 0 instead of re-killing the process with the
  // signal (Nest's default: exit status 143, and pino's asynchronous buffer, flushed on 'exit',
  // loses the last log lines, "shutting down" included).
  if (def.handleSignals !== false) app.enableShutdownHooks(['SIGTERM', 'SIGINT'], { useProcessExit: true });
  for (const signal of def.handleSignals !== false ? (['SIGTERM', 'SIGINT'] as const) : []) {
    process.once(signal, () => {
      logger.info({ signal }, 'shutting down');
      setTimeout(() => {
        logger.error(`shutdown took longer than ${config.SHUTDOWN_TIMEOUT_S}s, exiting`);
        process.exit(1);
      }, config.SHUTDOWN_TIMEOUT_S * 1000).unref();
    });
  }

  if (def.rpc) {
    const nats = app.get(NatsService);
    app.connectMicroservice({ strategy: new NatsRpcTransport(() => nats.whenReady(), def.service) }, { inheritAppConfig: true });
    await app.startAllMicroservices();
  }
  watchParent(logger);
  await def.configure?.(app, config, logger);
  await app.listen(config.HTTP_PORT, config.HTTP_HOST);
  const address = app.getHttpServer().address();
  const port = typeof address === 'object' && address ? address.port : config.HTTP_PORT;
  logger.info({ port, host: config.HTTP_HOST }, `${def.service} listening`);
  return { app, config, logger, port };
}

/**
 * A service started by the supervisor stops when the supervisor is gone (even if it was killed
 * without a chance to stop its children), instead of running on as an orphan.
 */
function watchParent(logger: Logger) {
  const parent = Number(process.env['TWS_PARENT_PID']);
  if (!Number.isInteger(parent) || parent <= 1) return;
  const timer = setInterval(() => {
    try {
      process.kill(parent, 0);
    } catch {
      clearInterval(timer);
      logger.warn({ parent }, 'supervisor is gone, shutting down');
      process.kill(process.pid, 'SIGTERM');
    }
  }, 2000);
  timer.unref();
}
