/** @module A small cookie jar for Apple's hosts: domain/path matching, JSON persistence, expired cookies kept on purpose. */

export interface StoredCookie {
  readonly name: string;
  readonly value: string;
  /** Lowercase, without a leading dot. */
  readonly domain: string;
  /** True when Set-Cookie had no Domain attribute: only the exact host gets it back. */
  readonly hostOnly: boolean;
  readonly path: string;
  readonly secure: boolean;
  /** Epoch ms, or null for a session cookie. */
  readonly expires: number | null;
}

const isLoopback = (host: string) => host === 'localhost' || host === '127.0.0.1' || host === '[::1]' || host === '::1';

function domainMatches(host: string, cookie: StoredCookie): boolean {
  if (cookie.hostOnly) return host === cookie.domain;
  return host === cookie.domain || host.endsWith('.' + cookie.domain);
}

const pathMatches = (path: string, cookiePath: string) =>
  path === cookiePath || (path.startsWith(cookiePath) && (cookiePath.endsWith('/') || path[cookiePath.length] === '/'));

export function parseSetCookie(header: string, url: URL): StoredCookie | null {
  const [pair, ...attrs] = header.split(';');
  const eq = pair?.indexOf('=') ?? -1;
  if (pair === undefined || eq <= 0) return null;
  let domain = url.hostname.toLowerCase();
  let hostOnly = true;
  let path = '/';
  let secure = false;
  let expires: number | null = null;
  let maxAge: number | null = null;
  for (const attr of attrs) {
    const i = attr.indexOf('=');
    const key = (i < 0 ? attr : attr.slice(0, i)).trim().toLowerCase();
    const val = i < 0 ? '' : attr.slice(i + 1).trim();
    if (key === 'domain' && val !== '') { domain = val.replace(/^\./, '').toLowerCase(); hostOnly = false; }
    else if (key === 'path' && val.startsWith('/')) path = val;
    else if (key === 'secure') secure = true;
    // Apple writes "Tue,16-Jan-2024 02:07:19 GMT" (no space after the comma); Date.parse copes once it is added.
    else if (key === 'expires') { const t = Date.parse(val.replace(/,(?=\S)/, ', ').replace(/-/g, ' ')); if (!Number.isNaN(t)) expires = t; }
    else if (key === 'max-age' && /^-?\d+$/.test(val)) maxAge = Number(val);
  }
  if (maxAge !== null) expires = Date.now() + maxAge * 1000;
  return { name: pair.slice(0, eq).trim(), value: pair.slice(eq + 1).trim(), domain, hostOnly, path, secure, expires };
}

/**
 * Apple sets some cookies with an Expires in 1970 (e.g. X-APPLE-WEBAUTH-HSA-LOGIN) yet expects them back, so the jar
 * never drops a cookie for being expired; a new Set-Cookie with the same name/domain/path replaces it.
 */
export class CookieJar {
  #cookies: StoredCookie[];

  constructor(cookies: readonly StoredCookie[] = []) {
    this.#cookies = [...cookies];
  }

  /** Records every Set-Cookie of a response; returns how many were stored. */
  capture(response: Response, url: URL): number {
    const headers = response.headers.getSetCookie();
    for (const h of headers) {
      const c = parseSetCookie(h, url);
      if (c !== null) this.set(c);
    }
    return headers.length;
  }

  set(cookie: StoredCookie): void {
    this.#cookies = this.#cookies.filter((c) => !(c.name === cookie.name && c.domain === cookie.domain && c.path === cookie.path));
    this.#cookies.push(cookie);
  }

  /** The Cookie header for a request to `url`, or undefined when nothing applies. */
  headerFor(url: URL): string | undefined {
    const host = url.hostname.toLowerCase();
    const secureOk = url.protocol === 'https:' || isLoopback(host);
    const matching = this.#cookies.filter((c) => domainMatches(host, c) && pathMatches(url.pathname, c.path) && (!c.secure || secureOk));
    return matching.length === 0 ? undefined : matching.map((c) => `${c.name}=${c.value}`).join('; ');
  }

  find(name: string | RegExp): StoredCookie | undefined {
    return this.#cookies.find((c) => (typeof name === 'string' ? c.name === name : name.test(c.name)));
  }

  toJSON(): StoredCookie[] {
    return [...this.#cookies];
  }
}
