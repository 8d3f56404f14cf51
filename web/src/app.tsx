/** @module App shell: asks the server who we are, then shows first-start setup, login, or the dashboard with its nav. */
import { useEffect, useState } from 'preact/hooks';
import { get, handleUnauthorized, post, setCsrfToken, errorText } from './api/client.ts';
import type { Session } from './api/types.ts';
import { match, navigate, useRoute } from './lib/route.ts';
import { SetupPage } from './pages/setup.tsx';
import { AccountPage } from './pages/account.tsx';
import { LoginPage } from './pages/login.tsx';
import { ConnectionsPage } from './pages/connections/index.tsx';
import { LibraryPage } from './pages/library.tsx';
import { TasksPage } from './pages/tasks/index.tsx';
import { TaskEditPage } from './pages/tasks/task-edit.tsx';
import { TaskPage } from './pages/runs/task-page.tsx';
import { RunPage } from './pages/runs/run-page.tsx';
import { FreeUpPage } from './pages/free-up/index.tsx';
import { Notice } from './components/notice.tsx';
import { RunsPage } from './pages/runs/runs-page.tsx';
import { SettingsPage } from './pages/settings.tsx';

const NAV = [
  { path: '/connections', label: 'Connections' },
  { path: '/library', label: 'Library' },
  { path: '/tasks', label: 'Tasks' },
  { path: '/runs', label: 'Runs' },
  { path: '/settings', label: 'Settings' },
  { path: '/account', label: 'Account' },
  { path: '/free-up', label: 'Free up iCloud' },
];

export function App() {
  const [session, setSession] = useState<Session | null>(null);
  const [error, setError] = useState<string>();
  const load = () => get<Session>('/api/session').then((s) => { setCsrfToken(s.csrfToken); setSession(s); }, (e: unknown) => setError(errorText(e)));
  useEffect(() => {
    handleUnauthorized(() => setSession((s) => (s ? { ...s, authenticated: false } : s)));
    void load();
  }, []);

  if (error) return <main class="center"><Notice kind="error">Cannot reach photoferry: {error}</Notice></main>;
  if (!session) return <main class="center"><p>Loading…</p></main>;
  if (session.setupNeeded) return <SetupPage onDone={() => void load()} tokenRequired={session.setupTokenRequired === true} />;
  if (!session.authenticated) return <LoginPage onLoggedIn={(token) => { setCsrfToken(token); setSession({ ...session, authenticated: true, csrfToken: token }); }} />;
  const logout = () => { void post('/api/logout').finally(() => { setCsrfToken(undefined); void load(); }); };
  const ended = () => { setCsrfToken(undefined); void load(); };
  return <Shell onLogout={logout} onEnded={ended} />;
}

function Shell({ onLogout, onEnded }: { onLogout: () => void; onEnded: () => void }) {
  const path = useRoute();
  useEffect(() => { if (path === '/') navigate('/tasks'); }, [path]);
  return (
    <div class="shell">
      <header class="top">
        <a class="brand" href="#/tasks">photoferry</a>
        <nav aria-label="Main">
          {NAV.map((n) => (
            <a key={n.path} href={`#${n.path}`} data-testid={`nav-${n.label.toLowerCase().replace(/ /g, '-')}`}
              aria-current={path === n.path || path.startsWith(`${n.path}/`) ? 'page' : undefined}>{n.label}</a>
          ))}
        </nav>
        <button type="button" class="link" onClick={onLogout} data-testid="logout">Log out</button>
      </header>
      <main>{path === '/account' ? <AccountPage onEnded={onEnded} /> : page(path)}</main>
    </div>
  );
}

function page(path: string) {
  let m: Record<string, string> | null;
  if (path === '/connections') return <ConnectionsPage />;
  if (path === '/library') return <LibraryPage />;
  if (path === '/tasks') return <TasksPage />;
  if (path === '/free-up') return <FreeUpPage />;
  if (path === '/tasks/new') return <TaskEditPage />;
  if ((m = match('/tasks/:id/edit', path))) return <TaskEditPage id={m.id!} />;
  if ((m = match('/tasks/:id', path))) return <TaskPage id={m.id!} />;
  if (path === '/runs') return <RunsPage />;
  if (path === '/settings') return <SettingsPage />;
  if ((m = match('/runs/:id', path))) return <RunPage id={m.id!} />;
  return <Notice kind="info">No page here. <a href="#/tasks">Go to tasks</a>.</Notice>;
}
