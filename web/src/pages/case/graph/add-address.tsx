import { useState, type FormEvent } from 'react';

/**
 * "Add address": any address, on a chain, as a node of the graph, to expand like any other. The
 * API checks and canonicalises it (`GET /v1/addresses/:chain/:address`); its refusal (an invalid
 * address, an unknown chain) is shown under the field.
 */
export function AddAddressForm(props: {
  chains: string[];
  /** Adds the address; resolves with what went wrong, or null when it was added (or selected). */
  onAdd: (chain: string, address: string) => Promise<string | null>;
}) {
  const { chains, onAdd } = props;
  const [chain, setChain] = useState(chains[0] ?? '');
  const [address, setAddress] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!address.trim()) {
      setError('Type an address to add.');
      return;
    }
    setBusy(true);
    const failed = await onAdd(chain || chains[0] || '', address);
    setBusy(false);
    setError(failed);
    if (!failed) setAddress('');
  };
  return (
    <form className="panel gv-add row" aria-label="Add an address" onSubmit={(e) => void submit(e)}>
      <label htmlFor="gv-add-address" className="gv-inline-label">
        Add address
      </label>
      <input
        id="gv-add-address"
        className="mono"
        value={address}
        placeholder="0x… or bc1…"
        autoComplete="off"
        spellCheck={false}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? 'gv-add-error' : undefined}
        onChange={(e) => setAddress(e.target.value)}
      />
      <label htmlFor="gv-add-chain" className="gv-inline-label">
        on
      </label>
      <select id="gv-add-chain" value={chain} onChange={(e) => setChain(e.target.value)}>
        {chains.map((c) => (
          <option key={c} value={c}>
            {c}
          </option>
        ))}
      </select>
      <button type="submit" className="ghost" disabled={busy}>
        {busy ? 'Adding…' : 'Add to graph'}
      </button>
      {error ? (
        <p id="gv-add-error" className="error-text gv-add-error" role="alert">
          {error}
        </p>
      ) : null}
    </form>
  );
}
