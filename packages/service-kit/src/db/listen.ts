import pg from 'pg';

export interface ListenHandlers {
  /** A NOTIFY on the channel (delivered after the notifying transaction committed). */
  onNotify(payload: string): void;
  /**
   * The listening connection is up (true) or lost (false). Notifications sent while it was down
   * are lost, so a cache built on them must not be trusted between false and the next true.
   */
  onListening(listening: boolean): void;
}

export interface Listener {
  close(): Promise<void>;
}

export interface ListenOptions {
  /**
   * How often the listening connection is asked to answer, and how long it may take. A connection
   * that died without a word (a network partition, a NAT that forgot it) never reports an error,
   * and notifications would silently stop: unanswered, it is treated as lost. Default 10 s.
   */
  heartbeatMs?: number;
}

/**
 * LISTEN on one dedicated connection (a pooled one cannot hold a LISTEN) to every channel given,
 * each with its own handlers, reconnecting with backoff when it drops; every channel's handlers
 * hear of the connection going down and up. Resolves once the first LISTEN succeeded or failed: a
 * first failure is reported through onListening(false) and retried like any later one.
 */
export async function listen(
  url: string,
  channels: Readonly<Record<string, ListenHandlers>>,
  { heartbeatMs = 10_000 }: ListenOptions = {},
): Promise<Listener> {
  const all = Object.values(channels);
  const listening = (now: boolean) => {
    for (const handlers of all) handlers.onListening(now);
  };
  let closed = false;
  let client: pg.Client | undefined;
  let retry: NodeJS.Timeout | undefined;
  let heartbeat: NodeJS.Timeout | undefined;
  let delayMs = 100;

  const connect = async (): Promise<void> => {
    const next = new pg.Client({
      connectionString: url,
      connectionTimeoutMillis: 3000,
      keepAlive: true,
      keepAliveInitialDelayMillis: heartbeatMs,
    });
    client = next;
    const lost = () => {
      if (client !== next || closed) return;
      client = undefined;
      clearTimeout(heartbeat);
      listening(false);
      next.end().catch(() => {});
      retry = setTimeout(() => void connect(), delayMs);
      delayMs = Math.min(delayMs * 2, 5000);
    };
    next.on('error', lost);
    next.on('end', lost);
    next.on('notification', (message) => {
      if (Object.hasOwn(channels, message.channel))
        channels[message.channel]!.onNotify(message.payload ?? '');
    });
    try {
      await next.connect();
      for (const channel of Object.keys(channels))
        await next.query(`LISTEN ${next.escapeIdentifier(channel)}`);
      delayMs = 100;
      listening(true);
      heartbeat = setTimeout(beat, heartbeatMs).unref();
    } catch {
      lost();
    }

    async function beat() {
      let unanswered: NodeJS.Timeout | undefined;
      const silence = new Promise<never>((_resolve, reject) => {
        unanswered = setTimeout(() => reject(new Error('no answer')), heartbeatMs).unref();
      });
      try {
        await Promise.race([next.query('SELECT 1'), silence]);
      } catch {
        return lost();
      } finally {
        clearTimeout(unanswered);
      }
      if (client === next && !closed) heartbeat = setTimeout(beat, heartbeatMs).unref();
    }
  };

  await connect();
  return {
    async close() {
      closed = true;
      clearTimeout(retry);
      clearTimeout(heartbeat);
      await client?.end().catch(() => {});
    },
  };
}
