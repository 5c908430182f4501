import type { ShippingAddress } from '../api/checkout.ts';

type Field = {
  key: keyof ShippingAddress;
  label: string;
  testId: string;
  autoComplete: string;
  type?: string;
};

const FIELDS: Field[] = [
  { key: 'firstName', label: 'First name', testId: 'first-name', autoComplete: 'given-name' },
  { key: 'lastName', label: 'Last name', testId: 'last-name', autoComplete: 'family-name' },
  { key: 'address', label: 'Address', testId: 'address', autoComplete: 'street-address' },
  { key: 'city', label: 'City', testId: 'city', autoComplete: 'address-level2' },
  { key: 'zipCode', label: 'ZIP code', testId: 'zip-code', autoComplete: 'postal-code' },
  { key: 'phone', label: 'Phone', testId: 'phone', autoComplete: 'tel', type: 'tel' },
];

export function emptyAddress(): ShippingAddress {
  return { firstName: '', lastName: '', address: '', city: '', zipCode: '', phone: '' };
}

export function missingFields(address: ShippingAddress): (keyof ShippingAddress)[] {
  return FIELDS.filter((f) => address[f.key].trim() === '').map((f) => f.key);
}

type Props = {
  value: ShippingAddress;
  onChange: (next: ShippingAddress) => void;
  invalid: (keyof ShippingAddress)[];
};

export function AddressFields({ value, onChange, invalid }: Props) {
  return (
    <fieldset className="fieldset">
      <legend>Shipping address</legend>
      <div className="form-grid">
        {FIELDS.map((f) => {
          const isInvalid = invalid.includes(f.key);
          return (
            <div className="field" key={f.key}>
              <label htmlFor={`ship-${f.key}`}>{f.label}</label>
              <input
                id={`ship-${f.key}`}
                name={f.key}
                type={f.type ?? 'text'}
                data-testid={f.testId}
                autoComplete={f.autoComplete}
                required
                maxLength={200}
                aria-invalid={isInvalid}
                aria-describedby={isInvalid ? `ship-${f.key}-error` : undefined}
                value={value[f.key]}
                onChange={(e) => onChange({ ...value, [f.key]: e.target.value })}
              />
              {isInvalid && (
                <span className="field__error" id={`ship-${f.key}-error`}>
                  {f.label} is required.
                </span>
              )}
            </div>
          );
        })}
      </div>
    </fieldset>
  );
}
