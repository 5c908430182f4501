// The signed-in user's menu: a disclosure button (aria-expanded) that closes on Escape, on a
// click outside and after choosing an item.
import { useEffect, useRef, useState } from 'react';
import { Link } from 'react-router';
import { paths } from '../config/paths.ts';
import { useAuth } from '../lib/auth.tsx';

export function UserMenu() {
  const { user } = useAuth();
  const [open, setOpen] = useState(false);
  const root = useRef<HTMLDivElement>(null);
  const button = useRef<HTMLButtonElement>(null);

  useEffect(() => {
    if (!open) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') {
        setOpen(false);
        button.current?.focus();
      }
    };
    const onClick = (e: MouseEvent) => {
      if (root.current && !root.current.contains(e.target as Node)) setOpen(false);
    };
    document.addEventListener('keydown', onKey);
    document.addEventListener('mousedown', onClick);
    return () => {
      document.removeEventListener('keydown', onKey);
      document.removeEventListener('mousedown', onClick);
    };
  }, [open]);

  if (!user) return null;
  return (
    <div className="user-menu" ref={root}>
      <button
        ref={button}
        type="button"
        className="button button--ghost"
        aria-haspopup="true"
        aria-expanded={open}
        aria-controls="user-menu-panel"
        data-testid="user-menu"
        onClick={() => setOpen((o) => !o)}
      >
        Hi, {user.name?.split(' ')[0] ?? user.username}
        <span aria-hidden="true"> ▾</span>
      </button>
      <div id="user-menu-panel" className="user-menu__panel" hidden={!open}>
        <p className="user-menu__who">
          <strong>{user.name ?? user.username}</strong>
          {user.email && <span className="muted">{user.email}</span>}
        </p>
        <Link to={paths.profile.to()} onClick={() => setOpen(false)} data-testid="profile-link">
          My profile
        </Link>
        <Link to={paths.orders.to()} onClick={() => setOpen(false)}>
          My orders
        </Link>
      </div>
    </div>
  );
}
