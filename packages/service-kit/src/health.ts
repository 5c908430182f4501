import type { FastifyInstance } from 'fastify';

export type ReadinessCheck = () => Promise<unknown> | unknown;

export interface HealthState {
  shuttingDown: boolean;
}

/**
 * Liveness says the process answers; readiness says it can do its job right now (database and
 * critical dependencies reachable, not shutting down). Orchestrators route traffic on readiness.
 */
export function registerHealthRoutes(
  app: FastifyInstance,
  checks: Record<string, ReadinessCheck>,
  state: HealthState,
  timeoutMs = 2000,
): void {
  app.get('/health/live', { config: { auth: 'public' }, logLevel: 'warn' }, async () => ({ status: 'ok' }));

  app.get('/health/ready', { config: { auth: 'public' }, logLevel: 'warn' }, async (_request, reply) => {
    if (state.shuttingDown) return reply.status(503).send({ status: 'shutting-down', checks: {} });
    const results = await Promise.all(
      Object.entries(checks).map(async ([name, check]) => [name, await runCheck(check, timeoutMs)] as const),
    );
    const ready = results.every(([, result]) => result === 'ok');
    return reply
      .status(ready ? 200 : 503)
      .send({ status: ready ? 'ok' : 'unavailable', checks: Object.fromEntries(results) });
  });
}

async function runCheck(check: ReadinessCheck, timeoutMs: number): Promise<string> {
  let timer: NodeJS.Timeout | undefined;
  try {
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error('timed out')), timeoutMs);
    });
    await Promise.race([Promise.resolve().then(check), timeout]);
    return 'ok';
  } catch (error) {
    return `failing: ${(error as Error).message === 'timed out' ? 'timed out' : 'unreachable'}`;
  } finally {
    clearTimeout(timer);
  }
}
