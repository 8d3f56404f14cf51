/** @module Apache 2 with mod_dav_fs and basic auth on 127.0.0.1, its own config in a temp dir, stopped by PID. */
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmod, chown, mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { freePort, superviseServer } from './loopback-port.ts';

export interface ApacheWebdavServer {
  /** Collection URL with a trailing slash, e.g. `http://127.0.0.1:PORT/dav/`. */
  readonly url: string;
  readonly port: number;
  readonly username: string;
  readonly password: string;
  /** The folder mod_dav_fs serves. */
  readonly dataDir: string;
  stop(): Promise<void>;
}

export interface ApacheWebdavOptions {
  /** URL path of the DAV collection (the Nextcloud fake mounts it at `/remote.php/dav/files/<user>`). */
  readonly urlPath?: string;
  /** Answer PROPFIND Depth: infinity (Apache's default refuses it with 403). */
  readonly depthInfinity?: boolean;
}

const MODULES = '/usr/lib/apache2/modules';
const modules = ['mpm_event', 'authz_core', 'authn_core', 'authn_file', 'auth_basic', 'authz_user', 'alias', 'dav', 'dav_fs'];

export async function startApacheWebdav(options: ApacheWebdavOptions = {}): Promise<ApacheWebdavServer> {
  const urlPath = (options.urlPath ?? '/dav').replace(/\/$/, '');
  const dir = await mkdtemp(join(tmpdir(), 'pf-apache-'));
  const file = (name: string) => join(dir, name);
  const dataDir = file('data');
  await mkdir(dataDir);
  await mkdir(file('lock'));
  const port = await freePort();
  const username = 'tester';
  const password = 'dav-secret';
  // {SHA} is a format Apache's htpasswd reader accepts, so no htpasswd binary is needed.
  await writeFile(file('htpasswd'), `${username}:{SHA}${createHash('sha1').update(password).digest('base64')}\n`);

  // Apache refuses to serve as root: as root it switches to www-data, which must own the DAV and lock dirs.
  const asRoot = process.getuid?.() === 0;
  if (asRoot) {
    const uid = Number(execFileSync('id', ['-u', 'www-data']).toString());
    const gid = Number(execFileSync('id', ['-g', 'www-data']).toString());
    await chmod(dir, 0o755);
    for (const d of [dataDir, file('lock')]) await chown(d, uid, gid);
  }
  await writeFile(file('httpd.conf'), [
    `ServerRoot ${dir}`,
    ...modules.map((m) => `LoadModule ${m}_module ${MODULES}/mod_${m}.so`),
    ...(asRoot ? ['User www-data', 'Group www-data'] : []),
    `Listen 127.0.0.1:${port}`,
    'ServerName 127.0.0.1',
    `PidFile ${file('httpd.pid')}`,
    `DefaultRuntimeDir ${dir}`,
    `Mutex file:${dir} default`,
    `ErrorLog ${file('error.log')}`,
    'LogLevel warn',
    'Timeout 30',
    'KeepAlive On',
    'LimitRequestBody 0',
    `DavLockDB ${file('lock')}/DavLock`,
    `DavDepthInfinity ${options.depthInfinity ? 'On' : 'Off'}`,
    `DocumentRoot ${file('lock')}`,
    `Alias ${urlPath} ${dataDir}`,
    `<Directory ${dataDir}>`,
    '  Dav On',
    '  Options None',
    '  AllowOverride None',
    '  AuthType Basic',
    '  AuthName "photoferry test"',
    `  AuthUserFile ${file('htpasswd')}`,
    '  Require valid-user',
    '</Directory>',
    '',
  ].join('\n'));

  const child: ChildProcess = spawn('/usr/sbin/apache2', ['-f', file('httpd.conf'), '-DFOREGROUND'], { stdio: ['ignore', 'ignore', 'pipe'] });
  // SIGTERM (in stop) makes the foreground parent stop its workers too.
  const stop = await superviseServer(child, dir, port);
  return {
    url: `http://127.0.0.1:${port}${urlPath}/`,
    port, username, password, dataDir, stop,
  };
}
