/** @module "Sign in with Google" for a gphotos destination: the server starts the OAuth flow and Google sends the browser back to it. */
import { useState } from 'preact/hooks';
import { ApiError, enc, errorText, post } from '../../api/client.ts';

export function GoogleSignIn({ name }: { name: string }) {
  const [state, setState] = useState<{ busy: boolean; message?: string; command?: string }>({ busy: false });
  const start = async () => {
    setState({ busy: true });
    try {
      const { url } = await post<{ url: string }>(`/api/destinations/${enc(name)}/google-sign-in`);
      location.assign(url);
    } catch (err) {
      // Reached from another machine: Google can only send the browser back to loopback, so the CLI is the way.
      const remote = err instanceof ApiError && err.code === 'not-loopback';
      setState({ busy: false, message: errorText(err), ...(remote ? { command: `photoferry auth gphotos ${name}` } : {}) });
    }
  };
  return (
    <>
      <button type="button" class="secondary small" onClick={() => void start()} disabled={state.busy} data-testid="destination-google-sign-in">Sign in with Google</button>
      {state.message && (
        <div class="small bad" role="status" data-testid="destination-sign-in-result">
          ✗ {state.message}
          {state.command && <div>On the server: <code data-testid="destination-sign-in-command">{state.command}</code></div>}
        </div>
      )}
    </>
  );
}
