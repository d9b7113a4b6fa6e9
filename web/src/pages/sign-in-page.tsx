import { useState } from 'react';

/** Asks for an API key (`chaintrail keys create --role investigator`). */
export function SignInPage(props: {
  submit: (key: string) => void;
  error: string | null;
  busy: boolean;
}) {
  const [key, setKey] = useState('');
  return (
    <main id="main" className="sign-in">
      <h1>chaintrail</h1>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          if (key.trim()) props.submit(key.trim());
        }}
      >
        <label htmlFor="api-key">API key</label>
        <input
          id="api-key"
          type="password"
          autoComplete="off"
          placeholder="ct_…"
          value={key}
          onChange={(e) => setKey(e.target.value)}
          autoFocus
        />
        <button type="submit" disabled={props.busy || !key.trim()}>
          {props.busy ? 'Checking…' : 'Sign in'}
        </button>
        {props.error ? (
          <p role="alert" className="error-text">
            {props.error}
          </p>
        ) : null}
        <p className="muted">
          Create one with <code>chaintrail keys create --role investigator</code>. The key stays in
          this browser and is sent to this server only.
        </p>
      </form>
    </main>
  );
}
