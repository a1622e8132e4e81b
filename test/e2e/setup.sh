#!/usr/bin/env bash
# Installs the real-editor test tools into $E2E_HOME (default: <repo>/.e2e, gitignored), outside the
# project's dependencies: code-server (VS Code server + web workbench, from npm) and playwright-core.
# Needs the Debian packages that .ci/run installs (chromium, neovim, ripgrep, libkrb5-dev, g++, make,
# python3). Idempotent: a finished install is reused. Recipe: ../shared/research/vscode-e2e/REPORT.md.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
E2E_HOME="${E2E_HOME:-$ROOT/.e2e}"
CS_VERSION="${CS_VERSION:-4.100.3}"         # the last code-server line that runs on Node 20 (VS Code 1.100.3)
PLAYWRIGHT_VERSION="${PLAYWRIGHT_VERSION:-1.65.1}"
step() { echo "=== $(date +%T) $*"; }

mkdir -p "$E2E_HOME"/{tmp,xdg/config,xdg/cache,xdg/data,xdg/state}
export TMPDIR="$E2E_HOME/tmp" XDG_CONFIG_HOME="$E2E_HOME/xdg/config" XDG_CACHE_HOME="$E2E_HOME/xdg/cache" \
  XDG_DATA_HOME="$E2E_HOME/xdg/data" XDG_STATE_HOME="$E2E_HOME/xdg/state"

missing=()
for tool in chromium nvim rg g++ make python3; do command -v "$tool" >/dev/null || missing+=("$tool"); done
[ -e /usr/include/gssapi/gssapi.h ] || missing+=("libkrb5-dev (gssapi.h)")
if [ "${#missing[@]}" -gt 0 ]; then
  echo "e2e setup: missing ${missing[*]}; install them with: apt-get install -y chromium neovim ripgrep libkrb5-dev g++ make python3" >&2
  exit 1
fi
[ "$(node -p 'process.versions.node.split(".")[0]')" = 20 ] || { echo "code-server $CS_VERSION needs Node 20" >&2; exit 1; }
# node-gyp must not fetch headers from nodejs.org (unreachable): point it at the local Node install.
NODEDIR="${npm_config_nodedir:-$(dirname "$(dirname "$(command -v node)")")}"
[ -f "$NODEDIR/include/node/node.h" ] || { echo "no Node headers under $NODEDIR/include/node (set npm_config_nodedir)" >&2; exit 1; }

CS="$E2E_HOME/code-server-$CS_VERSION"
if [ ! -x "$CS/node_modules/.bin/code-server" ]; then
  step "installing code-server $CS_VERSION into $CS (npm; builds native modules with node-gyp)"
  rm -rf "$CS" && mkdir -p "$CS"
  (
    cd "$CS"
    echo '{"name":"e2e-code-server","private":true}' > package.json
    # @vscode/ripgrep's postinstall downloads rg from api.github.com (unreachable); seed its download
    # cache ($TMPDIR/vscode-ripgrep-cache-<version>/ripgrep-<tag>-<target>.tar.gz) with Debian's rg.
    npm pack "code-server@$CS_VERSION" --silent >/dev/null
    tar xzf "code-server-$CS_VERSION.tgz" package/lib/vscode/npm-shrinkwrap.json
    RG_VER=$(node -p "require('./package/lib/vscode/npm-shrinkwrap.json').packages['node_modules/@vscode/ripgrep'].version")
    npm pack "@vscode/ripgrep@$RG_VER" --silent >/dev/null
    tar xzf "vscode-ripgrep-$RG_VER.tgz" package/lib/postinstall.js
    RG_TAG=$(sed -n "s/^const VERSION = '\(.*\)';/\1/p" package/lib/postinstall.js)
    [ -n "$RG_TAG" ] || { echo "could not read the ripgrep tag from @vscode/ripgrep@$RG_VER" >&2; exit 1; }
    mkdir -p "$TMPDIR/vscode-ripgrep-cache-$RG_VER"
    tar czf "$TMPDIR/vscode-ripgrep-cache-$RG_VER/ripgrep-$RG_TAG-x86_64-unknown-linux-musl.tar.gz" \
      -C "$(dirname "$(command -v rg)")" rg
    rm -rf package ./*.tgz
    # unsafe_perm: code-server's postinstall refuses to run as root without it (npm 11 dropped the
    # option but the script still reads the variable); yes: node-pty's postinstall runs `npx node-gyp`.
    npm_config_nodedir="$NODEDIR" npm_config_unsafe_perm=true npm_config_yes=true \
      npm install --no-audit --no-fund --no-save "code-server@$CS_VERSION"
  )
fi
"$CS/node_modules/.bin/code-server" --version

TOOLS="$E2E_HOME/tools"
if [ ! -f "$TOOLS/node_modules/playwright-core/package.json" ] ||
  [ "$(node -p "require('$TOOLS/node_modules/playwright-core/package.json').version")" != "$PLAYWRIGHT_VERSION" ]; then
  step "installing playwright-core $PLAYWRIGHT_VERSION into $TOOLS"
  mkdir -p "$TOOLS"
  (
    cd "$TOOLS"
    [ -f package.json ] || echo '{"name":"e2e-tools","private":true}' > package.json
    PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm install --no-audit --no-fund "playwright-core@$PLAYWRIGHT_VERSION"
  )
fi
