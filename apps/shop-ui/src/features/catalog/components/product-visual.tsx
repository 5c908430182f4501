// Products have no photos in the demo data; the category emoji stands in (decorative only).
export function ProductVisual({ icon, large = false }: { icon: string; large?: boolean }) {
  return (
    <div className={large ? 'product-visual product-visual--large' : 'product-visual'} aria-hidden="true">
      {icon || '📦'}
    </div>
  );
}

export function capitalize(value: string): string {
  return value.charAt(0).toUpperCase() + value.slice(1);
}
