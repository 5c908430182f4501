import { Link } from 'react-router';
import { Page } from '../components/page.tsx';
import { paths } from '../config/paths.ts';

export function NotFoundPage() {
  return (
    <Page title="Page not found">
      <p data-testid="not-found">The page you are looking for does not exist.</p>
      <Link className="button" to={paths.home.to()}>
        Back to the shop
      </Link>
    </Page>
  );
}
