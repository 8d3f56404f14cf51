/**
 * @module The dashboard's admin password: a scrypt hash in the catalog's settings, set once at first start (atomically:
 * of concurrent setups exactly one wins), changed by the logged-in admin, or reset from the host.
 */
import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';
import type { Catalog } from '../catalog/catalog.ts';
import { ConflictError } from './tasks.ts';

const scryptAsync = promisify(scrypt) as (pw: string, salt: Buffer, len: number, o: object) => Promise<Buffer>;
const SCRYPT = { N: 2 ** 15, r: 8, p: 1, maxmem: 64 * 1024 * 1024 };
const ADMIN_KEY = 'admin.password';

async function hashOf(password: string): Promise<string> {
  const salt = randomBytes(16);
  const hash = await scryptAsync(password.normalize('NFC'), salt, 32, SCRYPT);
  return `scrypt$${SCRYPT.N}$${SCRYPT.r}$${SCRYPT.p}$${salt.toString('base64')}$${hash.toString('base64')}`;
}

export function adminAccount(catalog: Pick<Catalog, 'settings' | 'adminSessions'>) {
  const stored = () => catalog.settings.get(ADMIN_KEY);
  return {
    async setupNeeded(): Promise<boolean> { return (await stored()) === undefined; },
    /** First start only. The insert is the lock: of concurrent calls one row lands, the others get a ConflictError. */
    async setup(password: string): Promise<void> {
      const already = new ConflictError('The admin password is already set.');
      if ((await stored()) !== undefined) throw already;
      if (!(await catalog.settings.setIfAbsent(ADMIN_KEY, await hashOf(password)))) throw already;
    },
    async check(password: string): Promise<boolean> {
      const [alg, n, r, p, salt, hash] = (await stored())?.split('$') ?? [];
      if (alg !== 'scrypt' || salt === undefined || hash === undefined) return false;
      const expected = Buffer.from(hash, 'base64');
      const got = await scryptAsync(password.normalize('NFC'), Buffer.from(salt, 'base64'), expected.length, { ...SCRYPT, N: Number(n), r: Number(r), p: Number(p) });
      return timingSafeEqual(got, expected);
    },
    async change(password: string): Promise<void> {
      await catalog.settings.set(ADMIN_KEY, await hashOf(password));
    },
    /** `photoferry serve --reset-admin`: no password and no session left; the next start asks for setup again. */
    async reset(): Promise<void> {
      await catalog.settings.delete(ADMIN_KEY);
      await catalog.adminSessions.deleteAll();
    },
  };
}
export type AdminAccount = ReturnType<typeof adminAccount>;
