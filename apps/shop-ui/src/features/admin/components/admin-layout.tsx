import { NavLink, Outlet } from 'react-router';
import { paths } from '../../../config/paths.ts';

const tabs = [
  { to: paths.adminProducts.to(), label: 'Products', testId: 'admin-tab-products' },
  { to: paths.adminOrders.to(), label: 'Orders', testId: 'admin-tab-orders' },
  { to: paths.adminMailbox.to(), label: 'Mailbox', testId: 'admin-tab-mailbox' },
  { to: paths.adminFaults.to(), label: 'Fault switches', testId: 'admin-tab-faults' },
];

export function AdminLayout() {
  return (
    <div className="admin">
      <nav className="subnav" aria-label="Administration">
        {tabs.map((t) => (
          <NavLink
            key={t.to}
            to={t.to}
            data-testid={t.testId}
            className={({ isActive }) => (isActive ? 'subnav__link subnav__link--active' : 'subnav__link')}
          >
            {t.label}
          </NavLink>
        ))}
      </nav>
      <Outlet />
    </div>
  );
}
