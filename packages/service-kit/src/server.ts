import type { FastifyInstance } from 'fastify';
import type { HealthState } from './health.ts';

/**
 * What startServer uses of a Fastify instance. Structural on purpose: createApp's app (pino logger,
 * TypeBox type provider) is not assignable to the default FastifyInstance type, so naming that
 * type here forced every caller into an `as unknown as` cast.
 */
export type ServableApp = Pick<FastifyInstance, 'listen' | 'server'> & {
  close(): PromiseLike<unknown>;
  log: Pick<FastifyInstance['log'], 'info' | 'error'>;
  health?: HealthState;
};

export interface StartOptions {
  host: string;
  port: number;
  /** Run after the server stopped accepting and in-flight requests finished (close pools here). */
  onShutdown?: Array<() => Promise<unknown> | unknown>;
  /**
   * How long readiness answers 503 before the listener closes, while requests are still served:
   * a load balancer polling readiness must see the 503 and stop routing before connections are
   * refused. 0 (the default) closes at once.
   */
  drainMs?: number;
  /** Hard bound for the whole shutdown, drain included; the process exits with code 1 past it. */
  shutdownTimeoutMs?: number;
  /** Tests turn this off and call the returned stop() themselves. */
  handleSignals?: boolean;
  exit?: (code: number) => void;
}

export interface RunningServer {
  url: string;
  port: number;
  stop(): Promise<void>;
}

/**
 * Listens, and on SIGTERM/SIGINT shuts down gracefully: readiness turns 503 so load balancers stop
 * routing (for `drainMs` the server keeps serving while they notice), the listener closes,
 * in-flight requests finish, then pools close — all within a bound.
 */
export async function startServer(app: ServableApp, options: StartOptions): Promise<RunningServer> {
  await app.listen({ host: options.host, port: options.port });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  const url = `http://${options.host.includes(':') ? `[${options.host}]` : options.host}:${port}`;

  const drainMs = options.drainMs ?? 0;
  // The default bound leaves the usual 10 s for closing on top of the drain.
  const shutdownTimeoutMs = options.shutdownTimeoutMs ?? 10_000 + drainMs;
  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= (async () => {
      if (app.health) app.health.shuttingDown = true;
      if (drainMs > 0) {
        app.log.info({ drainMs }, 'draining: readiness is 503, requests are still served');
        await new Promise((resolve) => setTimeout(resolve, drainMs));
      }
      await app.close();
      for (const hook of options.onShutdown ?? []) {
        try {
          await hook();
        } catch (error) {
          app.log.error({ err: error }, 'shutdown hook failed');
        }
      }
      const telemetry = (globalThis as Record<symbol, { shutdown(): Promise<void> } | undefined>)[
        Symbol.for('mockmart.telemetry')
      ];
      await telemetry?.shutdown().catch(() => {});
    })();
    return stopping;
  };

  if (options.handleSignals !== false) {
    const exit = options.exit ?? ((code: number) => process.exit(code));
    const onSignal = (signal: NodeJS.Signals) => {
      app.log.info({ signal }, 'shutting down');
      // Not unref'd: a hook awaiting a promise nothing will settle leaves the event loop empty,
      // and the process would then end early with code 0 as if the shutdown had succeeded.
      const timer = setTimeout(() => {
        app.log.error({ timeoutMs: shutdownTimeoutMs }, 'shutdown timed out');
        exit(1);
      }, shutdownTimeoutMs);
      stop().then(
        () => {
          clearTimeout(timer);
          exit(0);
        },
        () => {
          clearTimeout(timer);
          exit(1);
        },
      );
    };
    process.once('SIGTERM', onSignal);
    process.once('SIGINT', onSignal);
  }

  app.log.info({ url }, 'listening');
  return { url, port, stop };
}
