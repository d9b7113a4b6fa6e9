import {
  createContext,
  useCallback,
  useContext,
  useEffect,
  useMemo,
  useState,
  type ReactNode,
} from 'react';
import { type ApiClient, ApiError, createApiClient } from './client.ts';
import type { Asset, Me } from './types.ts';
import type { AssetInfo } from '../lib/format.ts';
import { getChain } from '../../../src/model/chains.ts';
import { Loading } from '../components/states.tsx';

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

export type Session = {
  api: ApiClient;
  me: Me;
  /** Chains the store knows assets of (EVM search tries them in turn). */
  chains: string[];
  asset(chain: string, asset: string): AssetInfo;
  signOut(): void;
};

const SessionContext = createContext<Session | null>(null);

/** The signed-in session; only below {@link SessionProvider} once signed in. */
export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession outside a signed-in SessionProvider');
  return session;
}

/**
 * A key given in the page's fragment (`#key=ct_…`, as `chaintrail demo` prints it) is taken once
 * and removed from the address bar: fragments never reach the server or its logs.
 */
function keyFromFragment(): string | null {
  const match = /(?:^#|&)key=([^&]+)/.exec(window.location.hash);
  if (!match) return null;
  window.history.replaceState(null, '', window.location.pathname + window.location.search);
  return decodeURIComponent(match[1]!);
}

type State =
  | { status: 'checking'; stored: boolean }
  | { status: 'signed-out'; error: string | null }
  | { status: 'signed-in'; session: Session };

/**
 * Holds the API key (in localStorage, like a session token) and checks it with `GET /v1/me`.
 * Renders `signIn` until a key works.
 */
export function SessionProvider(props: {
  children: ReactNode;
  signIn: (submit: (key: string) => void, error: string | null, busy: boolean) => ReactNode;
}) {
  const [state, setState] = useState<State>({ status: 'checking', stored: true });
  const signOut = useCallback(() => {
    localStorage.removeItem(KEY_STORAGE);
    setState({ status: 'signed-out', error: null });
  }, []);
  const tryKey = useCallback(
    async (key: string, stored: boolean) => {
      setState({ status: 'checking', stored });
      const api = createApiClient({ key });
      try {
        const me = await api.get<Me>('/v1/me');
        let assets: Asset[] = [];
        if (me.role !== 'screener')
          assets = (await api.get<{ assets: Asset[] }>('/v1/assets')).assets;
        localStorage.setItem(KEY_STORAGE, key);
        const known = new Map(assets.map((a) => [`${a.chain}|${a.asset}`, a]));
        const chains = [...new Set(assets.map((a) => a.chain))];
        setState({
          status: 'signed-in',
          session: {
            api,
            me,
            chains,
            asset: (chain, asset) =>
              asset === 'native'
                ? nativeAsset(chain)
                : (known.get(`${chain}|${asset}`) ?? { symbol: null, decimals: null }),
            signOut,
          },
        });
      } catch (error) {
        if (error instanceof ApiError && error.status === 401) localStorage.removeItem(KEY_STORAGE);
        setState({ status: 'signed-out', error: (error as Error).message });
      }
    },
    [signOut],
  );
  useEffect(() => {
    const key = keyFromFragment() ?? localStorage.getItem(KEY_STORAGE);
    if (key) void tryKey(key, true);
    else setState({ status: 'signed-out', error: null });
  }, [tryKey]);
  if (state.status === 'signed-in')
    return (
      <SessionContext.Provider value={state.session}>{props.children}</SessionContext.Provider>
    );
  // A key kept from before is being checked: no sign-in form flashing up on every page load.
  if (state.status === 'checking' && state.stored) return <Loading what="your session" />;
  return props.signIn(
    (key) => void tryKey(key, false),
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
