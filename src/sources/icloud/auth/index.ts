/** @module Public face of iCloud sign-in: what the iCloud source, the CLI (`auth icloud`, `auth status`) and tests use. */
export { signIn, type SignInOptions, type IcloudAuthSession } from './sign-in.ts';
export { authStatus, signOut, type AuthStatus, type AuthStatusOptions } from './status.ts';
export type { MfaOptions } from './mfa.ts';
export type { FetchLike } from './http.ts';
export { CLIENT_BUILD, USER_AGENT, WIDGET_KEY } from './http.ts';
export { sessionKey, passwordKey } from './session-store.ts';
