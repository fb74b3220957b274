import { useId, type InputHTMLAttributes, type ReactNode } from 'react';

interface CheckProps extends Omit<InputHTMLAttributes<HTMLInputElement>, 'type' | 'id'> {
  label: ReactNode;
  /** Explains the choice; tied to the box with aria-describedby, not part of its name. */
  hint?: ReactNode;
  error?: string | null;
}

/** A checkbox whose accessible name is just its label, with an optional hint and error. */
export function Check({ label, hint, error, className, ...input }: CheckProps) {
  const id = useId();
  const hintId = hint ? `${id}-hint` : undefined;
  const errorId = error ? `${id}-error` : undefined;
  return (
    <div className={['check', className ?? ''].join(' ').trim()}>
      <input
        {...input}
        id={id}
        type="checkbox"
        aria-invalid={error ? true : undefined}
        aria-describedby={[errorId, hintId].filter(Boolean).join(' ') || undefined}
      />
      <span>
        <label htmlFor={id} className="check__label">
          {label}
        </label>
        {hint ? (
          <span className="check__hint" id={hintId}>
            {hint}
          </span>
        ) : null}
        {error ? (
          <span className="field__error" id={errorId}>
            {error}
          </span>
        ) : null}
      </span>
    </div>
  );
}
