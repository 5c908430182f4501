// A page's heading and document title. On navigation the heading takes focus so keyboard and
// screen-reader users land on the new content instead of staying on the clicked link.
import { useEffect, useRef } from 'react';
import type { ReactNode } from 'react';

export function Page({
  title,
  children,
  actions,
}: {
  title: string;
  children: ReactNode;
  actions?: ReactNode;
}) {
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    document.title = `${title} · TechStore`;
    heading.current?.focus({ preventScroll: true });
  }, [title]);
  return (
    <section className="page" aria-labelledby="page-title">
      <div className="page__header">
        <h1 id="page-title" ref={heading} tabIndex={-1}>
          {title}
        </h1>
        {actions && <div className="page__actions">{actions}</div>}
      </div>
      {children}
    </section>
  );
}
