// What the gateway says about the signed-in user (from /bff/user; the UI never decodes a token).
import { Page } from '../../../components/page.tsx';
import { useAuth } from '../../../lib/auth.tsx';

export function ProfilePage() {
  const { user } = useAuth();
  if (!user) return null;
  const roles = user.roles.filter(
    (r) => !r.startsWith('default-roles-') && r !== 'offline_access' && r !== 'uma_authorization',
  );
  return (
    <Page title="My profile">
      <div className="card profile" data-testid="profile">
        <div className="avatar" aria-hidden="true">
          {initials(user.name ?? user.username)}
        </div>
        <dl className="details">
          <dt>Name</dt>
          <dd data-testid="profile-name">{user.name ?? '—'}</dd>
          <dt>Username</dt>
          <dd data-testid="profile-username">{user.username}</dd>
          <dt>E-mail</dt>
          <dd data-testid="profile-email">{user.email ?? 'No e-mail address on file'}</dd>
          <dt>User ID</dt>
          <dd className="mono">{user.id}</dd>
          <dt>Roles</dt>
          <dd data-testid="profile-roles">
            {roles.length === 0
              ? '—'
              : roles.map((r) => (
                  <span key={r} className="badge">
                    {r}
                  </span>
                ))}
          </dd>
          <dt>Can check out</dt>
          <dd data-testid="profile-can-checkout">{user.canCheckout ? 'Yes' : 'No'}</dd>
        </dl>
      </div>
    </Page>
  );
}

function initials(name: string): string {
  return name
    .split(/\s+/)
    .filter(Boolean)
    .slice(0, 2)
    .map((part) => part.charAt(0).toUpperCase())
    .join('');
}
