/** Why a send failed, and whether trying again could ever help. */
export interface SmtpFailure {
  /** A short code kept in the mailbox row: the SMTP reply code or nodemailer's error code. */
  reason: string;
  /** True when resending the same mail cannot succeed: retrying would only spam the logs. */
  permanent: boolean;
}

interface NodemailerError {
  code?: string;
  responseCode?: number;
}

/**
 * Sorts a nodemailer error into final or transient. A 5xx reply is final (RFC 5321 §4.2.1; nodemailer
 * treats 503 "bad sequence" as transient, and so do we); an envelope or message error without any
 * server reply is nodemailer refusing the address or the mail itself, which no retry changes.
 * Everything else — connection refused, timeouts, 4xx replies — may pass later.
 */
export function classifySmtpFailure(error: unknown): SmtpFailure {
  const { code, responseCode } = (error ?? {}) as NodemailerError;
  if (typeof responseCode === 'number') {
    const permanent = responseCode >= 500 && responseCode < 600 && responseCode !== 503;
    return { reason: `SMTP_${responseCode}`, permanent };
  }
  const permanent = code === 'EENVELOPE' || code === 'EMESSAGE';
  return { reason: code ?? 'SMTP_ERROR', permanent };
}
