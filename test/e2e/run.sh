#!/usr/bin/env bash
# Real-editor tests (npm run test:e2e): VS Code via code-server + headless Chromium, and Neovim as a
# second LSP client. Needs Debian's chromium, neovim and ripgrep and a C++ toolchain (see .ci/run);
# installs code-server and playwright-core into $E2E_HOME (default .e2e/, gitignored), never into
# the project's dependencies. Screenshots of failures: $E2E_HOME/screens.
# Env: E2E_HOME; E2E_SKIP_BUILD=1 tests the existing dist/ (unless package or ui runs: packaging
# always builds first); E2E_ONLY="nvim exthost" runs a subset
# of: package grammar nvim exthost ui; E2E_SCREENSHOTS=1 keeps a screenshot of every UI step.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
export E2E_HOME="${E2E_HOME:-$ROOT/.e2e}"
CS_VERSION="${CS_VERSION:-4.100.3}"
ONLY="${E2E_ONLY:-package grammar nvim exthost ui}"
START=$SECONDS
RESULTS=()
step() { echo; echo "=== $(date +%T) [e2e +$((SECONDS - START))s] $*"; }
wanted() { [[ " $ONLY " == *" $1 "* ]]; }
# Runs one test under a hard time limit and records its outcome and duration.
run_test() {
  local name="$1" limit="$2" t0=$SECONDS
  shift 2
  step "$name"
  if timeout --kill-after=10 "$limit" "$@"; then
    RESULTS+=("$(printf 'PASS  %-10s %4ds' "$name" $((SECONDS - t0)))")
  else
    RESULTS+=("$(printf 'FAIL  %-10s %4ds' "$name" $((SECONDS - t0)))")
    FAILED=1
  fi
}
FAILED=0

# Screenshots and run folders describe the latest run only.
rm -rf "$E2E_HOME/screens" "$E2E_HOME/run"
mkdir -p "$E2E_HOME"/{tmp,build,screens,run,xdg/config,xdg/cache,xdg/data,xdg/state}
# Keep code-server, Chromium and Neovim state out of $HOME.
export TMPDIR="$E2E_HOME/tmp" XDG_CONFIG_HOME="$E2E_HOME/xdg/config" XDG_CACHE_HOME="$E2E_HOME/xdg/cache" \
  XDG_DATA_HOME="$E2E_HOME/xdg/data" XDG_STATE_HOME="$E2E_HOME/xdg/state"

# code-server and playwright-core serve the grammar, exthost and ui tests only.
if wanted grammar || wanted exthost || wanted ui; then
  step "tools (code-server $CS_VERSION, playwright-core) in $E2E_HOME"
  bash "$ROOT/test/e2e/setup.sh"
  export CODE_SERVER_BIN="$E2E_HOME/code-server-$CS_VERSION/node_modules/.bin/code-server"
  export CODE_SERVER_DIR="$E2E_HOME/code-server-$CS_VERSION/node_modules/code-server"
  export PLAYWRIGHT_CORE="$E2E_HOME/tools/node_modules/playwright-core"
  export CHROMIUM_BIN="$(command -v chromium)"
fi

cd "$ROOT"
PACKAGE=0
if wanted package || wanted ui; then PACKAGE=1; fi
if [ "$PACKAGE" = 1 ]; then
  # One way to package: `npm run package` (npm run build, then @vscode/vsce through npx, not a
  # dependency; the bundles carry their dependencies, so --no-dependencies). It builds dist/ too.
  step "build and package the .vsix (npm run package)"
  VSIX="$E2E_HOME/scopewise.vsix"
  rm -f "$VSIX"
  npm run package -- --out "$VSIX"
  export SCOPEWISE_VSIX="$VSIX"
elif [ "${E2E_SKIP_BUILD:-}" != 1 ]; then
  step "build (npm run build)"
  npm run build
fi
for bundle in dist/client.js dist/server.js; do
  [ -f "$bundle" ] || { echo "missing $bundle: run npm run build" >&2; exit 1; }
done

if wanted package; then
  run_test package 60 node "$ROOT/test/e2e/package/check-vsix.js" "$VSIX"
fi

if wanted grammar; then
  run_test grammar 60 node "$ROOT/test/e2e/grammar/grammar.test.js"
fi

if wanted nvim; then
  # README's Neovim 0.7 snippet runs as written: it starts `scopewise-language-server` from the
  # PATH (here the built server), and takes the folder of the nearest .scopewise.json as root.
  NVIM_RUN="$(mktemp -d "$E2E_HOME/tmp/nvim-XXXXXX")"
  mkdir -p "$NVIM_RUN/bin" "$NVIM_RUN/project"
  ln -s "$ROOT/dist/server.js" "$NVIM_RUN/bin/scopewise-language-server"
  cp "$ROOT/test/e2e/fixtures/workspace/"{policy.json,template.yaml} "$NVIM_RUN/project/"
  echo '{}' > "$NVIM_RUN/project/.scopewise.json"
  run_test nvim 60 env PATH="$NVIM_RUN/bin:$PATH" SCOPEWISE_README="$ROOT/README.md" \
    SCOPEWISE_FILE="$NVIM_RUN/project/policy.json" \
    nvim --headless -u NONE -i NONE -n -c "luafile $ROOT/test/e2e/nvim/lsp-test.lua"
  rm -rf "$NVIM_RUN"
fi

if wanted exthost; then
  SUITE="$E2E_HOME/build/suite/index.js"
  "$ROOT/node_modules/.bin/esbuild" "$ROOT/test/e2e/suite/index.ts" --bundle --platform=node \
    --format=cjs --target=node20 --external:vscode --log-level=warning --outfile="$SUITE"
  export SCOPEWISE_SUITE="$SUITE"
  run_test exthost 300 node "$ROOT/test/e2e/code-server/run.js" exthost
fi

if wanted ui; then
  run_test ui 300 node "$ROOT/test/e2e/code-server/run.js" ui
fi

step "summary"
printf '%s\n' "${RESULTS[@]}"
echo "e2e total: $((SECONDS - START))s"
if [ "$FAILED" != 0 ]; then
  echo "E2E FAILED (screenshots: $E2E_HOME/screens, logs: $E2E_HOME/run)" >&2
  exit 1
fi
echo "E2E PASSED"
