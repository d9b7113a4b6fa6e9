import { useEffect, useId, useRef } from 'react';

/**
 * Asks before a `#key=` link replaces the key in use: a modal dialog (the page under it is inert
 * while it is open) with the question, Switch, and Keep current, which takes the focus so Enter
 * does not switch by accident; Escape keeps the current key too.
 *
 * @example
 * <KeySwitchDialog question={outcome.question} onSwitch={switchKey} onKeep={keepKey} />
 */
export function KeySwitchDialog(props: {
  question: string;
  busy: boolean;
  onSwitch: () => void;
  onKeep: () => void;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const keep = useRef<HTMLButtonElement>(null);
  const titleId = useId();
  const questionId = useId();
  useEffect(() => {
    const dialog = ref.current;
    if (dialog && !dialog.open) dialog.showModal();
    // showModal focuses the first button (Switch), and React's autoFocus does not set the
    // attribute showModal looks for: the safe answer is focused here.
    keep.current?.focus();
    return () => dialog?.close();
  }, []);
  return (
    <dialog
      ref={ref}
      className="key-switch"
      aria-labelledby={titleId}
      aria-describedby={questionId}
      onCancel={(e) => {
        // Escape: the browser would close the dialog by itself; the answer is Keep current.
        e.preventDefault();
        props.onKeep();
      }}
    >
      <h2 id={titleId}>Switch to another key?</h2>
      <p id={questionId}>{props.question}</p>
      <div className="row">
        <button type="button" disabled={props.busy} onClick={props.onSwitch}>
          {props.busy ? 'Switching…' : 'Switch'}
        </button>
        <button
          type="button"
          ref={keep}
          className="ghost"
          disabled={props.busy}
          onClick={props.onKeep}
        >
          Keep current
        </button>
      </div>
    </dialog>
  );
}
