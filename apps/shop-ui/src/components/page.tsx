// A page's heading and document title. After a client-side navigation the heading takes focus so
// keyboard and screen-reader users land on the new content instead of staying on the clicked link.
// The first page of a visit keeps the browser's own start (the skip link comes first).
import { useEffect, useRef } from 'react';
import type { ReactNode } from 'react';

let firstPageShown = false;

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
    if (firstPageShown) heading.current?.focus({ preventScroll: true });
    firstPageShown = true;
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
