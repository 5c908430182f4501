import { NavLink } from 'react-router';
import { paths } from '../config/paths.ts';
import { CartBadge } from '../features/cart/components/cart-badge.tsx';
import { useAuth } from '../lib/auth.tsx';
import { useToast } from '../lib/toast.tsx';
import { UserMenu } from './user-menu.tsx';

const navClass = ({ isActive }: { isActive: boolean }) =>
  isActive ? 'nav__link nav__link--active' : 'nav__link';

export function Header() {
  const auth = useAuth();
  const toast = useToast();
  return (
    <header className="header">
      <div className="header__inner">
        <NavLink to={paths.home.to()} className="logo" data-testid="logo">
          <span aria-hidden="true">🛒 </span>TechStore
        </NavLink>
        <nav className="nav" aria-label="Main">
          <NavLink to={paths.home.to()} end className={navClass}>
            Products
          </NavLink>
          <NavLink to={paths.cart.to()} className={navClass} data-testid="cart-link">
            Cart <CartBadge />
          </NavLink>
          {auth.status === 'authenticated' && (
            <NavLink to={paths.orders.to()} className={navClass} data-testid="orders-link">
              Orders
            </NavLink>
          )}
          {auth.isAdmin && (
            <NavLink to={paths.admin.to()} className={navClass} data-testid="admin-link">
              Admin
            </NavLink>
          )}
        </nav>
        <div className="header__session">
          {auth.status === 'authenticated' && (
            <>
              <UserMenu />
              <button
                type="button"
                className="button button--secondary"
                data-testid="logout-button"
                onClick={() =>
                  auth.logout().catch(() => toast.notify('Logout failed. Please try again.', 'error'))
                }
              >
                Log out
              </button>
            </>
          )}
          {(auth.status === 'anonymous' || auth.status === 'error') && (
            <button type="button" className="button" data-testid="login-button" onClick={() => auth.login()}>
              Log in
            </button>
          )}
        </div>
      </div>
    </header>
  );
}
