import { MessagePattern, Server, type CustomTransportStrategy } from '@nestjs/microservices';
import { lastValueFrom, isObservable } from 'rxjs';
import type { z } from 'zod';
import type { RequestContract } from '@tws/contracts';
import type { Subscription } from 'nats';
import type { Messaging } from './messaging';

const contractsByPattern = new Map<string, RequestContract<z.ZodType, z.ZodType, any[]>>();

/**
 * Marks a Nest controller method as the handler of a request contract. The method receives the
 * validated request payload; what it returns is the `result` of the reply envelope; what it
 * throws becomes `{ ok: false, error }`.
 */
export function ServeRequest(contract: RequestContract<z.ZodType, z.ZodType, any[]>): MethodDecorator {
  contractsByPattern.set(contract.pattern, contract);
  return MessagePattern(contract.pattern);
}

/**
 * NestJS microservice transport over our NATS connection: `@ServeRequest(contract)` handlers
 * are served with a queue group (one instance answers each request), with the same envelope,
 * validation, correlation id and trace context as every other NATS exchange.
 */
export class NatsRpcTransport extends Server implements CustomTransportStrategy {
  private subscriptions: Subscription[] = [];

  constructor(
    private readonly messaging: () => Promise<Messaging>,
    private readonly queue: string,
  ) {
    super();
  }

  listen(callback: (...optionalParams: unknown[]) => any): void {
    // Do not hold the application start on NATS: handlers attach once the connection is up.
    void this.messaging().then((m) => {
      for (const [pattern, handler] of this.messageHandlers) {
        const contract = contractsByPattern.get(pattern);
        if (!contract) {
          this.logger.error(`no request contract for pattern ${pattern}: use @ServeRequest(contract)`);
          continue;
        }
        this.subscriptions.push(
          m.serve(contract, pattern, async (payload, meta) => {
            const out = await handler(payload, meta);
            return isObservable(out) ? lastValueFrom(out) : out;
          }, { queue: this.queue }),
        );
      }
    });
    callback();
  }

  close(): void {
    for (const s of this.subscriptions) s.unsubscribe();
    this.subscriptions = [];
  }

  on(): void {
    /* status events are logged by Messaging */
  }

  unwrap<T>(): T {
    return this.subscriptions as T;
  }
}
