import { humanize } from './order-format.ts';

export function OrderStatus({ status, testId }: { status: string; testId: string }) {
  return (
    <span className={`status-badge status-badge--${status}`} data-testid={testId}>
      {humanize(status)}
    </span>
  );
}
