import { useEffect, useState } from 'react';
import { ApiError } from '../../api';

export type Loaded<T> =
  | { status: 'loading' }
  | { status: 'not_found' }
  | { status: 'error'; error: unknown }
  | { status: 'ready'; data: T };

/**
 * Runs `load` when `deps` change (aborting the previous run) and tracks its outcome; a 404
 * becomes `not_found` so pages can say "no such store/product" rather than "try again".
 */
export function useLoad<T>(load: (signal: AbortSignal) => Promise<T>, deps: unknown[]): [Loaded<T>, () => void] {
  const [state, setState] = useState<Loaded<T>>({ status: 'loading' });
  const [attempt, setAttempt] = useState(0);
  useEffect(() => {
    const controller = new AbortController();
    setState({ status: 'loading' });
    load(controller.signal)
      .then((data) => setState({ status: 'ready', data }))
      .catch((error: unknown) => {
        if (controller.signal.aborted) return;
        if (error instanceof ApiError && error.status === 404) setState({ status: 'not_found' });
        else setState({ status: 'error', error });
      });
    return () => controller.abort();
    // The caller lists what `load` depends on.
  }, [...deps, attempt]);
  return [state, () => setAttempt((n) => n + 1)];
}
