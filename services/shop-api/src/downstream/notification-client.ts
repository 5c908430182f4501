import { contractBody, isSuccess, unexpectedResponse, type DownstreamHttp } from './http.ts';
import {
  acceptedSchema,
  type NotificationBody,
  type NotificationType,
} from '@mockmart/contracts/notification';

export type { NotificationType };

/** An order mail as notification's contract takes it; shop-api always sends the order's facts. */
export type NotificationEvent = NotificationBody & { data: NonNullable<NotificationBody['data']> };

export type SendResult =
  { delivered: true; deduplicated: boolean } | { delivered: false; retryable: boolean; status: number };

/** Typed client of the notification contract (CONTRIBUTING.md "notification"). Throws when unreachable. */
export interface NotificationClient {
  send(event: NotificationBody): Promise<SendResult>;
  /** Raw pass-through with the outbox's token (notifications:send only). */
  http: DownstreamHttp;
  /** The same service with a `scope=notification-admin` token (notifications:read: the mailbox). */
  admin: DownstreamHttp;
  /** The same service with a `scope=notification-faults` token (faults:manage only). */
  faults: DownstreamHttp;
}

export function createNotificationClient(
  http: DownstreamHttp,
  privileged: { admin: DownstreamHttp; faults: DownstreamHttp },
): NotificationClient {
  return {
    http,
    admin: privileged.admin,
    faults: privileged.faults,
    async send(event) {
      const res = await http.request({ method: 'POST', path: '/api/notifications', body: event });
      if (isSuccess(res.status))
        return {
          delivered: true,
          deduplicated: contractBody(acceptedSchema, res.body, 'notification', 'POST notification')
            .deduplicated,
        };
      // 4xx other than 408/429 will not get better by retrying; 401/403 are a realm misconfiguration
      // that an operator can fix, so those are retried too.
      const retryable = res.status >= 500 || [401, 403, 408, 429].includes(res.status);
      if (res.status === 400 || res.status === 422 || retryable)
        return { delivered: false, retryable, status: res.status };
      throw unexpectedResponse('notification', 'POST notification', res.status, res.body);
    },
  };
}
