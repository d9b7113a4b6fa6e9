import { useState } from 'react';
import { useSession } from '../api/session.tsx';

/**
 * The second step of a delete: the question, the delete button (its name says what goes) and
 * Cancel, which takes the focus so Enter does not delete by accident.
 *
 * @example
 * <ConfirmDelete label={`Confirm deleting ${c.name}`} question="Delete this case?" action="Delete case" busy={busy} onConfirm={remove} onCancel={() => setConfirming(false)} />
 */
export function ConfirmDelete(props: {
  /** Accessible name of the group, naming the thing to delete. */
  label: string;
  question: string;
  action: string;
  busy: boolean;
  onConfirm: () => void;
  onCancel: () => void;
  className?: string;
}) {
  return (
    <div
      className={`row confirm-delete ${props.className ?? ''}`}
      role="group"
      aria-label={props.label}
    >
      <span>{props.question}</span>
      <button type="button" className="danger" disabled={props.busy} onClick={props.onConfirm}>
        {props.busy ? 'Deleting…' : props.action}
      </button>
      <button
        type="button"
        className="ghost"
        autoFocus
        disabled={props.busy}
        onClick={props.onCancel}
      >
        Cancel
      </button>
    </div>
  );
}

/** What {@link useDeletion} gives: the two-step state and the delete itself. */
export type Deletion = {
  confirming: boolean;
  setConfirming: (confirming: boolean) => void;
  busy: boolean;
  error: Error | null;
  remove: () => Promise<void>;
};

/**
 * Deleting through the API in two steps (ask, then `DELETE path`): the state a list row needs for
 * {@link ConfirmDelete}. On success `onDeleted` runs (the row goes away); on failure the error stays.
 *
 * @example
 * const deletion = useDeletion(`/v1/cases/${id}`, reload);
 */
export function useDeletion(path: string, onDeleted: () => void): Deletion {
  const { api } = useSession();
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<Error | null>(null);
  const remove = async () => {
    setBusy(true);
    setError(null);
    try {
      await api.del(path);
      onDeleted();
    } catch (err) {
      setError(err as Error);
      setBusy(false);
    }
  };
  return { confirming, setConfirming, busy, error, remove };
}
