import { useId, useState, type FormEvent } from 'react';
import { useNavigate } from 'react-router';
import { useSession } from '../../api/session.tsx';
import type { InvestigationCase } from '../../api/types.ts';
import { ErrorView } from '../../components/states.tsx';

/** Limits of `POST /v1/cases`. */
const MAX_SEEDS = 1000;
const MAX_SEED_LENGTH = 200;

/** Seeds one per line (commas also split), repeats dropped, in order. */
export function parseSeeds(text: string): string[] {
  return [
    ...new Set(
      text
        .split(/[\n,]+/)
        .map((s) => s.trim())
        .filter(Boolean),
    ),
  ];
}

/**
 * The "New case" form: name, description and seeds (addresses or transactions one per line). Creates
 * the case with `POST /v1/cases` and opens it.
 */
export function NewCaseForm() {
  const { api } = useSession();
  const navigate = useNavigate();
  const ids = useId();
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const [seedsText, setSeedsText] = useState('');
  const [invalid, setInvalid] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<Error | null>(null);
  const seeds = parseSeeds(seedsText);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setInvalid(null);
    setError(null);
    if (!name.trim()) return setInvalid('Give the case a name.');
    if (seeds.length > MAX_SEEDS) return setInvalid(`At most ${MAX_SEEDS} seeds.`);
    const long = seeds.find((s) => s.length > MAX_SEED_LENGTH);
    if (long)
      return setInvalid(
        `A seed is longer than ${MAX_SEED_LENGTH} characters: ${long.slice(0, 40)}…`,
      );
    setBusy(true);
    try {
      const created = await api.post<InvestigationCase>('/v1/cases', {
        name: name.trim(),
        description: description.trim() || null,
        seeds,
      });
      navigate(`/cases/${encodeURIComponent(created.id)}`);
    } catch (err) {
      setError(err as Error);
      setBusy(false);
    }
  };

  return (
    <form
      className="case-form"
      onSubmit={(e) => void submit(e)}
      noValidate
      aria-labelledby={`${ids}-title`}
    >
      <h2 id={`${ids}-title`}>New case</h2>
      <label htmlFor={`${ids}-name`}>Name</label>
      <input
        id={`${ids}-name`}
        required
        maxLength={200}
        value={name}
        onChange={(e) => setName(e.target.value)}
        aria-invalid={invalid !== null && !name.trim()}
      />
      <label htmlFor={`${ids}-description`}>Description</label>
      <textarea
        id={`${ids}-description`}
        rows={3}
        maxLength={10000}
        value={description}
        onChange={(e) => setDescription(e.target.value)}
      />
      <label htmlFor={`${ids}-seeds`}>Seeds</label>
      <textarea
        id={`${ids}-seeds`}
        rows={4}
        spellCheck={false}
        className="mono"
        placeholder="Addresses or transaction hashes, one per line"
        aria-describedby={`${ids}-seeds-help`}
        value={seedsText}
        onChange={(e) => setSeedsText(e.target.value)}
      />
      <div id={`${ids}-seeds-help`} className="muted">
        One per line: where the investigation starts. {seeds.length} seed
        {seeds.length === 1 ? '' : 's'}.
      </div>
      {invalid ? (
        <p className="error-text" role="alert">
          {invalid}
        </p>
      ) : null}
      {error ? <ErrorView error={error} /> : null}
      <div>
        <button type="submit" disabled={busy}>
          {busy ? 'Creating…' : 'Create case'}
        </button>
      </div>
    </form>
  );
}
