/** @module Hash routing: the server serves one index.html, so `#/tasks/42` needs no server-side fallback. */
import { useEffect, useState } from 'preact/hooks';

export const currentPath = (): string => location.hash.replace(/^#/, '') || '/';

export function useRoute(): string {
  const [path, setPath] = useState(currentPath());
  useEffect(() => {
    const update = () => setPath(currentPath());
    addEventListener('hashchange', update);
    return () => removeEventListener('hashchange', update);
  }, []);
  return path;
}

export const navigate = (path: string): void => { location.hash = path; };

/** `match('/tasks/:id', '/tasks/7')` → `{ id: '7' }`, or null. */
export function match(pattern: string, path: string): Record<string, string> | null {
  const p = pattern.split('/');
  const s = path.split('/');
  if (p.length !== s.length) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < p.length; i++) {
    if (p[i]!.startsWith(':')) params[p[i]!.slice(1)] = decodeURIComponent(s[i]!);
    else if (p[i] !== s[i]) return null;
  }
  return params;
}
