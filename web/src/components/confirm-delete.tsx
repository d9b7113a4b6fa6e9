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
