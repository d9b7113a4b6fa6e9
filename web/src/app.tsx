import { lazy, Suspense, useState } from 'react';
import { NavLink, Route, Routes, useNavigate } from 'react-router';
import { SessionProvider, useSession, useSessionNotice } from './api/session.tsx';
import { Loading } from './components/states.tsx';
import { describeKey } from './lib/key-link.ts';
import { applyTheme, initialTheme, type Theme } from './lib/theme.ts';
import { SignInPage } from './pages/sign-in-page.tsx';

// Pages load on first visit: the graph (cytoscape) and the charts (echarts) are large.
const HomePage = lazy(() => import('./pages/home-page.tsx'));
const SearchPage = lazy(() => import('./pages/search-page.tsx'));
const AddressPage = lazy(() => import('./pages/address-page.tsx'));
const TransactionPage = lazy(() => import('./pages/transaction-page.tsx'));
const ScreeningPage = lazy(() => import('./pages/screening-page.tsx'));
const CasesPage = lazy(() => import('./pages/cases-page.tsx'));
const CasePage = lazy(() => import('./pages/case/case-page.tsx'));
const AlertsPage = lazy(() => import('./pages/alerts-page.tsx'));

function ThemeToggle() {
  const [theme, setTheme] = useState<Theme>(initialTheme);
  const next: Theme = theme === 'dark' ? 'light' : 'dark';
  return (
    <button
      type="button"
      className="ghost"
      aria-label={`Switch to the ${next} theme`}
      onClick={() => {
        applyTheme(next);
        setTheme(next);
      }}
    >
      {theme === 'dark' ? '☀' : '☾'}
    </button>
  );
}

function SearchBox() {
  const navigate = useNavigate();
  const [q, setQ] = useState('');
  return (
    <form
      role="search"
      className="search-box"
      onSubmit={(e) => {
        e.preventDefault();
        if (q.trim()) navigate(`/search?q=${encodeURIComponent(q.trim())}`);
      }}
    >
      <input
        type="search"
        aria-label="Search an address, transaction, label or entity"
        placeholder="Address, transaction, label or entity"
        value={q}
        onChange={(e) => setQ(e.target.value)}
      />
    </form>
  );
}

function Shell() {
  const { me, signOut } = useSession();
  const { notice, dismiss } = useSessionNotice();
  return (
    <>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="top-bar">
        <NavLink to="/" className="brand">
          chaintrail
        </NavLink>
        <SearchBox />
        <nav aria-label="Main">
          <NavLink to="/cases">Cases</NavLink>
          <NavLink to="/screen">Screening</NavLink>
          <NavLink to="/alerts">Alerts</NavLink>
        </nav>
        <div className="who">
          {/* Always shown, on phones too: which organisation's data this is, and as whom. */}
          <span className="who-key" title={`Signed in as ${describeKey(me)}, key id ${me.id}`}>
            <strong>{me.org}</strong> / {me.name ?? `key ${me.id}`} ({me.role})
          </span>
          <ThemeToggle />
          <button type="button" className="ghost" onClick={signOut}>
            Sign out
          </button>
        </div>
      </header>
      {notice ? (
        <div
          className={`session-notice ${notice.tone}`}
          role={notice.tone === 'error' ? 'alert' : 'status'}
        >
          <span>{notice.text}</span>
          <button type="button" className="ghost" onClick={dismiss}>
            Dismiss
          </button>
        </div>
      ) : null}
      <main id="main" tabIndex={-1}>
        <Suspense fallback={<Loading what="the page" />}>
          <Routes>
            <Route path="/" element={<HomePage />} />
            <Route path="/search" element={<SearchPage />} />
            <Route path="/address/:chain/:address" element={<AddressPage />} />
            <Route path="/address/:address" element={<AddressPage />} />
            <Route path="/tx/:chain/:hash" element={<TransactionPage />} />
            <Route path="/screen" element={<ScreeningPage />} />
            <Route path="/cases" element={<CasesPage />} />
            <Route path="/cases/:id" element={<CasePage />} />
            <Route path="/alerts" element={<AlertsPage />} />
            <Route path="*" element={<p className="state">No such page.</p>} />
          </Routes>
        </Suspense>
      </main>
    </>
  );
}

/** The web UI: sign in with an API key, then search, address pages, cases, screening and alerts. */
export function App() {
  return (
    <SessionProvider
      signIn={(submit, error, busy) => <SignInPage submit={submit} error={error} busy={busy} />}
    >
      <Shell />
    </SessionProvider>
  );
}
