import { defineError } from '@mockmart/service-kit';

/** Every error notification raises on purpose. Codes are stable: a shipped code is never renamed. */
export const EventConflict = defineError(
  'NOTIF_EVENT_CONFLICT',
  409,
  'This eventId was already accepted with a different payload',
);
export const RecipientRejected = defineError(
  'NOTIF_RECIPIENT_REJECTED',
  422,
  'The recipient address was rejected',
);
export const NotificationTimeout = defineError('NOTIF_TIMEOUT', 504, 'Notification timed out');
