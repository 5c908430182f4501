import type { Queryable } from '@mockmart/service-kit/db';
import { backoffDelay } from '@mockmart/service-kit/http-client';
import { workerLoop, type WorkerLoop } from '@mockmart/service-kit';
import { claimDue, markGivenUp, markSent, scheduleRetry, type PendingMail } from './delivery-repository.ts';
import type { Mailer } from './mailer.ts';
import { classifySmtpFailure } from './smtp-failure.ts';

export interface MailSenderOptions {
  db: Queryable;
  mailer: Mailer;
  log: { warn(obj: object, msg: string): void; error(obj: object, msg: string): void };
  pollMs: number;
  /** Attempts (the first included) before a mail that keeps failing is parked as dead. */
  maxAttempts: number;
  /** Backoff between attempts: full jitter, random(0, min(cap, base·2^attempt)). */
  baseMs: number;
  capMs: number;
  /**
   * How long a claimed mail is hidden from other senders. It must outlast one SMTP send (the
   * mailer's timeouts), or a slow send could be claimed and sent again by another replica.
   */
  claimMs: number;
  batchSize?: number;
  random?: () => number;
}

export interface MailSender extends WorkerLoop {
  /** How long the request that records a mail holds it before the loop may take it over. */
  readonly claimMs: number;
  /** One SMTP attempt for a mail this caller has claimed; records the outcome. True when sent. */
  deliver(mail: PendingMail): Promise<boolean>;
  /** One pass over every due pending mail; returns how many were sent. */
  runOnce(): Promise<number>;
}

/**
 * Delivers recorded mails at least once. The request that records a mail tries it straight away;
 * whatever that attempt leaves pending — SMTP down, a 4xx reply, a crash between the insert and
 * the send — this loop picks up once due and retries with capped, jittered backoff. A mail is sent
 * only while pending and is marked sent right after, so each event's mail goes out once (twice
 * only if the process dies between SMTP's 250 and that mark: the Message-ID lets a reader dedupe).
 */
export function createMailSender(options: MailSenderOptions): MailSender {
  const batchSize = options.batchSize ?? 20;

  async function deliver(mail: PendingMail): Promise<boolean> {
    const attempt = mail.attempts + 1;
    try {
      await options.mailer.send({
        to: mail.to,
        subject: mail.subject,
        text: mail.text,
        html: mail.html,
        messageId: `<${mail.id}@notification.techstore.local>`,
      });
    } catch (error) {
      const failure = classifySmtpFailure(error);
      if (failure.permanent || attempt >= options.maxAttempts) {
        const status = failure.permanent ? 'failed' : 'dead';
        await markGivenUp(options.db, mail.id, status, failure.reason);
        options.log.error(
          { notificationId: mail.id, attempt, failure: failure.reason },
          status === 'failed' ? 'mail refused for good' : 'mail parked as dead after its last attempt',
        );
      } else {
        const retryInMs = backoffDelay(mail.attempts, options.baseMs, options.capMs, options.random);
        await scheduleRetry(options.db, mail.id, failure.reason, retryInMs);
        options.log.warn(
          { notificationId: mail.id, attempt, failure: failure.reason },
          'mail delivery failed; will retry',
        );
      }
      return false;
    }
    await markSent(options.db, mail.id);
    return true;
  }

  async function runOnce(): Promise<number> {
    let sent = 0;
    for (;;) {
      const due = await claimDue(options.db, batchSize, options.claimMs);
      const results = await Promise.all(due.map(deliver));
      sent += results.filter(Boolean).length;
      if (due.length < batchSize) return sent;
    }
  }

  const loop = workerLoop(options.pollMs, runOnce, (error) =>
    options.log.error({ err: error }, 'mail sender pass failed'),
  );
  return { ...loop, claimMs: options.claimMs, deliver, runOnce };
}
