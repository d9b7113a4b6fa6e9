import {
  createContext,
  useCallback,
  useContext,
  useEffect,
  useMemo,
  useRef,
  useState,
  type ReactNode,
} from 'react';
import { type ApiClient, ApiError, createApiClient } from './client.ts';
import type { Asset, Me } from './types.ts';
import type { AssetInfo } from '../lib/format.ts';
import { getChain } from '../../../src/model/chains.ts';
import { KeySwitchDialog } from '../components/key-switch-dialog.tsx';
import { Loading } from '../components/states.tsx';
import {
  hashWithoutKey,
  keyFromHash,
  type KeyLookup,
  planKeyLink,
  settleKeyLink,
  signedInByLinkNotice,
} from '../lib/key-link.ts';

const KEY_STORAGE = 'chaintrail.apiKey';

/** A chain's native asset as the chain registry (src/model/chains.ts) has it. */
function nativeAsset(chain: string): AssetInfo {
  try {
    const c = getChain(chain);
    return { symbol: c.nativeSymbol, decimals: c.nativeDecimals };
  } catch {
    // A chain the registry does not know: amounts shown raw.
    return { symbol: null, decimals: null };
  }
}

/** A line under the header after a `#key=` link: who it signed in as, or why it was not used. */
export type SessionNotice = { tone: 'info' | 'error'; text: string };

export type Session = {
  api: ApiClient;
  me: Me;
  /** Chains the store knows assets of (EVM search tries them in turn). */
  chains: string[];
  asset(chain: string, asset: string): AssetInfo;
  signOut(): void;
};

const SessionContext = createContext<Session | null>(null);
/** Apart from the session, so that a notice shown or dismissed re-runs no page's effects. */
const NoticeContext = createContext<{
  notice: SessionNotice | null;
  dismiss(): void;
}>({ notice: null, dismiss: () => {} });

/** The signed-in session; only below {@link SessionProvider} once signed in. */
export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession outside a signed-in SessionProvider');
  return session;
}

/** The notice of the last `#key=` link, if any, and how to dismiss it. */
export function useSessionNotice(): { notice: SessionNotice | null; dismiss(): void } {
  return useContext(NoticeContext);
}

/**
 * A key given in the page's fragment (`#key=ct_…`, as `chaintrail demo` prints it) is taken once
 * and removed from the address bar at once, whatever is then done with it: fragments never reach
 * the server or its logs, and so the key is not left in history, bookmarks or screenshots either.
 */
function takeKeyFromFragment(): string | null {
  const key = keyFromHash(window.location.hash);
  if (key === null) return null;
  const { pathname, search, hash } = window.location;
  window.history.replaceState(window.history.state, '', pathname + search + hashWithoutKey(hash));
  return key;
}

/** A key checked with `GET /v1/me`, and its client. */
type Checked = { key: string; api: ApiClient; result: KeyLookup };
type Valid = Checked & { result: { me: Me } };

async function lookUp(key: string): Promise<Checked> {
  const api = createApiClient({ key });
  try {
    return { key, api, result: { me: await api.get<Me>('/v1/me') } };
  } catch (error) {
    const rejected = error instanceof ApiError && error.status === 401;
    return { key, api, result: { rejected, message: (error as Error).message } };
  }
}

const isValid = (checked: Checked): checked is Valid => 'me' in checked.result;

/** A link's key waiting for the user's answer (the key in use stays in use meanwhile). */
type Prompt = { question: string; link: Valid; busy: boolean };

type State =
  | { status: 'checking'; stored: boolean }
  | { status: 'signed-out'; error: string | null }
  | {
      status: 'signed-in';
      key: string;
      session: Session;
      notice: SessionNotice | null;
      prompt: Prompt | null;
    };

/**
 * Holds the API key (in localStorage, like a session token) and checks it with `GET /v1/me`.
 * Renders `signIn` until a key works. A `#key=` link signs in at once only when no key is held;
 * another key held, the page asks first ({@link planKeyLink}, {@link settleKeyLink}).
 */
export function SessionProvider(props: {
  children: ReactNode;
  signIn: (submit: (key: string) => void, error: string | null, busy: boolean) => ReactNode;
}) {
  const [state, setState] = useState<State>({ status: 'checking', stored: true });
  const current = useRef(state);
  current.current = state;
  const signOut = useCallback(() => {
    localStorage.removeItem(KEY_STORAGE);
    setState({ status: 'signed-out', error: null });
  }, []);
  const dismissNotice = useCallback(
    () => setState((s) => (s.status === 'signed-in' ? { ...s, notice: null } : s)),
    [],
  );
  /** Signs in with a key that `GET /v1/me` accepted: loads the assets, keeps the key. */
  const open = useCallback(
    async (valid: Valid, notice: SessionNotice | null, prompt: Prompt | null = null) => {
      const { key, api, result } = valid;
      try {
        let assets: Asset[] = [];
        if (result.me.role !== 'screener')
          assets = (await api.get<{ assets: Asset[] }>('/v1/assets')).assets;
        localStorage.setItem(KEY_STORAGE, key);
        const known = new Map(assets.map((a) => [`${a.chain}|${a.asset}`, a]));
        const chains = [...new Set(assets.map((a) => a.chain))];
        setState({
          status: 'signed-in',
          key,
          notice,
          prompt,
          session: {
            api,
            me: result.me,
            chains,
            asset: (chain, asset) =>
              asset === 'native'
                ? nativeAsset(chain)
                : (known.get(`${chain}|${asset}`) ?? { symbol: null, decimals: null }),
            signOut,
          },
        });
      } catch (error) {
        setState({ status: 'signed-out', error: (error as Error).message });
      }
    },
    [signOut],
  );
  const tryKey = useCallback(
    async (key: string, options: { stored: boolean; fromLink: boolean }) => {
      setState({ status: 'checking', stored: options.stored });
      const checked = await lookUp(key);
      if (isValid(checked))
        return open(
          checked,
          options.fromLink ? { tone: 'info', text: signedInByLinkNotice(checked.result.me) } : null,
        );
      const failed = checked.result as Exclude<KeyLookup, { me: Me }>;
      if (failed.rejected && !options.fromLink) localStorage.removeItem(KEY_STORAGE);
      setState({
        status: 'signed-out',
        error: options.fromLink
          ? `The link's key was not accepted (${failed.message}).`
          : failed.message,
      });
    },
    [open],
  );
  /** A page load, or a `#key=` link pasted into the open page (`link`: its key, if any). */
  const arrive = useCallback(
    async (link: string | null) => {
      const now = current.current;
      const signedIn = now.status === 'signed-in' ? now : null;
      const plan = planKeyLink(signedIn?.key ?? localStorage.getItem(KEY_STORAGE), link);
      if (plan.kind === 'sign-in-form') return setState({ status: 'signed-out', error: null });
      if (plan.kind === 'current')
        return signedIn ? undefined : tryKey(plan.key, { stored: true, fromLink: false });
      if (plan.kind === 'link') return tryKey(plan.key, { stored: true, fromLink: true });
      // Another key than the one in use: both looked up (the one in use is known when signed in).
      if (!signedIn) setState({ status: 'checking', stored: true });
      const [held, linked] = await Promise.all([
        signedIn
          ? { key: signedIn.key, api: signedIn.session.api, result: { me: signedIn.session.me } }
          : lookUp(plan.current),
        lookUp(plan.link),
      ]);
      const outcome = settleKeyLink(held.result, linked.result);
      /** The session in use, still the one these look-ups were made for. */
      const stillIn = (s: State): s is Extract<State, { status: 'signed-in' }> =>
        s.status === 'signed-in' && s.key === held.key;
      if (outcome.kind === 'ask') {
        const prompt = { question: outcome.question, link: linked as Valid, busy: false };
        if (signedIn) setState((s) => (stillIn(s) ? { ...s, prompt } : s));
        else await open(held as Valid, null, prompt);
      } else if (outcome.kind === 'keep-current') {
        const notice: SessionNotice | null = outcome.notice
          ? { tone: 'error', text: outcome.notice }
          : null;
        if (signedIn) setState((s) => (stillIn(s) && notice ? { ...s, notice } : s));
        else await open(held as Valid, notice);
      } else if (outcome.kind === 'use-link') {
        localStorage.removeItem(KEY_STORAGE);
        await open(linked as Valid, { tone: 'info', text: outcome.notice });
      } else {
        if (outcome.forgetCurrent) localStorage.removeItem(KEY_STORAGE);
        setState({ status: 'signed-out', error: outcome.message });
      }
    },
    [open, tryKey],
  );
  const started = useRef(false);
  useEffect(() => {
    // Once per page load (React's development mode runs effects twice; the fragment is gone then).
    if (!started.current) {
      started.current = true;
      void arrive(takeKeyFromFragment());
    }
    const onHashChange = () => {
      const link = takeKeyFromFragment();
      if (link !== null) void arrive(link);
    };
    window.addEventListener('hashchange', onHashChange);
    return () => window.removeEventListener('hashchange', onHashChange);
  }, [arrive]);
  if (state.status === 'signed-in') {
    const { prompt } = state;
    const notice = { notice: state.notice, dismiss: dismissNotice };
    return (
      <>
        {/* Keyed by the key's id: a switch remounts the pages, so none keeps the other key's data. */}
        <SessionContext.Provider key={state.session.me.id} value={state.session}>
          <NoticeContext.Provider value={notice}>{props.children}</NoticeContext.Provider>
        </SessionContext.Provider>
        {prompt ? (
          <KeySwitchDialog
            question={prompt.question}
            busy={prompt.busy}
            onSwitch={() => {
              setState((s) =>
                s.status === 'signed-in' && s.prompt
                  ? { ...s, prompt: { ...prompt, busy: true } }
                  : s,
              );
              void open(prompt.link, {
                tone: 'info',
                text: signedInByLinkNotice(prompt.link.result.me),
              });
            }}
            onKeep={() => setState((s) => (s.status === 'signed-in' ? { ...s, prompt: null } : s))}
          />
        ) : null}
      </>
    );
  }
  // A key kept from before is being checked: no sign-in form flashing up on every page load.
  if (state.status === 'checking' && state.stored) return <Loading what="your session" />;
  return props.signIn(
    (key) => void tryKey(key, { stored: false, fromLink: false }),
    state.status === 'signed-out' ? state.error : null,
    state.status === 'checking',
  );
}

/** What {@link useLoad} gives: the data, the error, whether it is loading, and a reload. */
export type Loaded<T> = {
  data: T | null;
  error: Error | null;
  loading: boolean;
  reload: () => void;
};

/**
 * Runs `load` when `deps` change and keeps its result; a newer load wins over an older one.
 *
 * @example
 * const cases = useLoad(() => api.get<{ cases: CaseSummary[] }>('/v1/cases'), []);
 */
export function useLoad<T>(load: () => Promise<T>, deps: readonly unknown[]): Loaded<T> {
  const [state, setState] = useState<{ data: T | null; error: Error | null; loading: boolean }>({
    data: null,
    error: null,
    loading: true,
  });
  const [tick, setTick] = useState(0);
  useEffect(() => {
    let current = true;
    setState((s) => ({ data: s.data, error: null, loading: true }));
    load().then(
      (data) => current && setState({ data, error: null, loading: false }),
      (error: Error) => current && setState({ data: null, error, loading: false }),
    );
    return () => {
      current = false;
    };
  }, [...deps, tick]);
  const reload = useCallback(() => setTick((t) => t + 1), []);
  return useMemo(() => ({ ...state, reload }), [state, reload]);
}
