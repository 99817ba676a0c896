// A button for what cannot be undone (deleting): it opens a modal dialog that says what will happen and asks again.
// The browser's own <dialog> keeps the keyboard inside it, closes on Escape and gives the focus back afterwards; the
// focus starts on Cancel, so that a second Enter does not delete.
import { h, useState, useRef } from '../core/html.js';
import { FormError } from '../core/form.js';

/**
 * `onConfirm` does the deed (and usually navigates away); an error it throws is shown in the dialog, which then stays
 * open. `id` names the dialog's parts (one per page); `ariaLabel` tells apart buttons of the same `label` (one per row).
 * `dismissLabel` names the way back when "Cancel" would be ambiguous (the deed is itself a cancellation).
 */
export function ConfirmButton({ id, label, ariaLabel, title, message, confirmLabel, busyLabel, onConfirm, disabled = false, dismissLabel = 'Cancel' }) {
  const dialog = useRef(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(null);
  const open = () => {
    setError(null);
    dialog.current.showModal();
  };
  const confirm = async () => {
    setBusy(true);
    setError(null);
    try {
      await onConfirm();
      dialog.current?.close();
    } catch (e) {
      setError(e.message);
    } finally {
      setBusy(false);
    }
  };
  return [
    h('button', { type: 'button', class: 'button danger', onClick: open, disabled, id: id + '-open', 'aria-label': ariaLabel }, label),
    h('dialog', { ref: dialog, class: 'dialog confirm', id, 'aria-labelledby': id + '-title', 'aria-describedby': id + '-message' },
      h('h2', { id: id + '-title' }, title),
      h('p', { id: id + '-message' }, message),
      h(FormError, { message: error }),
      h('div', { class: 'form-actions' },
        h('button', { type: 'button', class: 'button danger', onClick: confirm, disabled: busy }, busy ? busyLabel : confirmLabel),
        h('button', { type: 'button', class: 'button secondary', autofocus: true, onClick: () => dialog.current.close() }, dismissLabel))),
  ];
}
