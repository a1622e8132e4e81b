// Real VS Code for Scopewise: code-server (VS Code's server + web workbench) driven by headless
// Debian Chromium through playwright-core. Recipe: ../shared/research/vscode-e2e/REPORT.md.
//   node run.js exthost  loads the repository as extensionDevelopmentPath and runs the bundled
//                        extension-host suite (test/e2e/suite/index.ts) inside the node extension host
//   node run.js ui       installs the packaged .vsix and drives the workbench like a user: Problems
//                        panel, squiggle, status bar, Ctrl+. quick fix, status bar click
// Env: CODE_SERVER_BIN, CHROMIUM_BIN, PLAYWRIGHT_CORE (module path), E2E_HOME, SCOPEWISE_VSIX (ui),
//      SCOPEWISE_SUITE (exthost: the bundled suite), E2E_KEEP=1 keeps the run folder.
// Screenshots go to $E2E_HOME/screens (always on failure; every step with E2E_SCREENSHOTS=1);
// E2E_README_IMAGE=1 writes the README's screenshot to docs/images/quick-fix.png.
'use strict';
const cp = require('node:child_process');
const fs = require('node:fs');
const http = require('node:http');
const net = require('node:net');
const path = require('node:path');

const MODE = process.argv[2];
if (MODE !== 'exthost' && MODE !== 'ui') {
  console.error('usage: node run.js exthost|ui');
  process.exit(2);
}
const ROOT = path.resolve(__dirname, '../../..');
const E2E_HOME = process.env.E2E_HOME || path.join(ROOT, '.e2e');
const { chromium } = require(
  process.env.PLAYWRIGHT_CORE || path.join(E2E_HOME, 'tools/node_modules/playwright-core'),
);
const CODE_SERVER = required('CODE_SERVER_BIN');
const CHROMIUM = process.env.CHROMIUM_BIN || '/usr/bin/chromium';
const SCREENS = path.join(E2E_HOME, 'screens');
const FIXTURES = path.join(ROOT, 'test/e2e/fixtures/workspace');
const STEP_TIMEOUT = 60_000;
fs.mkdirSync(path.join(E2E_HOME, 'run'), { recursive: true });
fs.mkdirSync(SCREENS, { recursive: true });
const RUN = fs.mkdtempSync(path.join(E2E_HOME, 'run', `${MODE}-`));
const T0 = Date.now();
const log = (...parts) =>
  console.log(`[${MODE} ${((Date.now() - T0) / 1000).toFixed(1)}s]`, ...parts);

function required(name) {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set (test/e2e/run.sh sets it)`);
  return value;
}
function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}
function healthy(url) {
  return new Promise((resolve) => {
    http
      .get(url, (response) => {
        response.resume();
        resolve(response.statusCode === 200);
      })
      .on('error', () => resolve(false));
  });
}
/** Polls a readiness probe (for a server with no event to wait on), failing after `ms`. */
async function until(probe, ms, what) {
  const end = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > end) throw new Error(`timeout: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
/** Rejects after `ms` unless the promise settles first. */
function within(promise, ms, what) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timeout after ${ms} ms: ${what}`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

async function main() {
  const userData = path.join(RUN, 'user-data');
  const extensions = path.join(RUN, 'extensions');
  const workspace = path.join(RUN, 'workspace');
  fs.mkdirSync(path.join(userData, 'User'), { recursive: true });
  fs.mkdirSync(extensions, { recursive: true });
  fs.cpSync(FIXTURES, workspace, { recursive: true });
  fs.writeFileSync(
    path.join(userData, 'User/settings.json'),
    JSON.stringify(
      {
        'workbench.startupEditor': 'none',
        'security.workspace.trust.enabled': false,
        'telemetry.telemetryLevel': 'off',
        'extensions.autoCheckUpdates': false,
        'extensions.autoUpdate': false,
        'update.mode': 'none',
        'workbench.tips.enabled': false,
        'json.schemaDownload.enable': false,
        'window.commandCenter': false,
        'workbench.enableExperiments': false,
        'chat.disableAIFeatures': true,
        'git.openRepositoryInParentFolders': 'never',
        // VS Code in a browser saves after a second by default: a fix a test applies would reach
        // the disk, and reverting the file would no longer restore the fixture.
        'files.autoSave': 'off',
        // Keep the editor's text free of auto-inserted characters the assertions would trip on.
        'editor.autoClosingBrackets': 'never',
        'editor.autoClosingQuotes': 'never',
      },
      null,
      1,
    ),
  );
  const common = ['--user-data-dir', userData, '--extensions-dir', extensions];

  if (MODE === 'ui') {
    const vsix = required('SCOPEWISE_VSIX');
    const t = Date.now();
    const result = cp.spawnSync(CODE_SERVER, [...common, '--install-extension', vsix], {
      encoding: 'utf8',
      timeout: STEP_TIMEOUT,
    });
    const output = `${result.stdout}${result.stderr}`.trim();
    log(
      `--install-extension exit ${result.status} in ${Date.now() - t} ms: ${output.split('\n').pop()}`,
    );
    if (result.status !== 0) throw new Error(`--install-extension failed:\n${output}`);
  }

  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const testLog = path.join(RUN, 'exthost-test.log');
  const serverLog = fs.openSync(path.join(RUN, 'code-server.log'), 'w');
  const server = cp.spawn(
    CODE_SERVER,
    [
      ...common,
      '--bind-addr',
      `127.0.0.1:${port}`,
      '--auth',
      'none',
      '--disable-telemetry',
      '--disable-update-check',
      '--disable-workspace-trust',
      '--disable-getting-started-override',
      '--ignore-last-opened',
      workspace,
    ],
    {
      stdio: ['ignore', serverLog, serverLog],
      detached: true, // its own process group, so that the extension host and the server go too
      env: { ...process.env, SCOPEWISE_TEST_LOG: testLog },
    },
  );
  const stopServer = () => {
    try {
      process.kill(-server.pid, 'SIGTERM');
    } catch {
      // Already gone.
    }
  };
  process.on('exit', stopServer);
  log(`code-server pid ${server.pid} on ${base}, run folder ${RUN}`);
  await until(() => healthy(`${base}/healthz`), STEP_TIMEOUT, 'code-server /healthz');
  log('code-server is up');

  const context = await chromium.launchPersistentContext(path.join(RUN, 'chromium-profile'), {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1400, height: 850 },
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-dev-shm-usage',
    ],
  });
  const page = context.pages()[0] || (await context.newPage());
  const consoleLines = [];
  page.on('console', (message) => consoleLines.push(`[${message.type()}] ${message.text()}`));
  page.on('pageerror', (error) => consoleLines.push(`[pageerror] ${error.message}`));
  const shot = async (name) => {
    const file = path.join(SCREENS, `${MODE}-${name}.png`);
    await page.screenshot({ path: file }).catch(() => {});
    return file;
  };

  let passed = false;
  try {
    if (MODE === 'exthost') passed = await extensionHost(page, port, workspace, testLog);
    else passed = await userInterface(page, base, workspace, shot);
  } catch (error) {
    log('ERROR', error && error.stack ? error.stack : error);
  } finally {
    if (!passed) log(`screenshot: ${await shot('failure')}`);
    fs.writeFileSync(path.join(RUN, 'browser-console.log'), consoleLines.join('\n'));
    await context.close().catch(() => {});
    stopServer();
  }
  if (passed && !process.env.E2E_KEEP) fs.rmSync(RUN, { recursive: true, force: true });
  log(passed ? 'PASS' : `FAIL (logs in ${RUN})`);
  return passed;
}

async function extensionHost(page, port, workspace, testLog) {
  const suite = required('SCOPEWISE_SUITE');
  const authority = `127.0.0.1:${port}`;
  const exited = new Promise((resolve) => page.exposeFunction('codeAutomationExit', resolve));
  await page.exposeFunction('codeAutomationLog', () => {});
  const payload = [
    ['extensionDevelopmentPath', `vscode-remote://${authority}${ROOT}`],
    ['extensionTestsPath', `vscode-remote://${authority}${suite}`],
    ['skipWelcome', 'true'],
  ];
  await page.goto(
    `http://${authority}/?folder=${encodeURIComponent(workspace)}&payload=${encodeURIComponent(JSON.stringify(payload))}`,
  );
  const code = await within(exited, 180_000, 'the extension-host suite to finish');
  if (fs.existsSync(testLog)) process.stdout.write(fs.readFileSync(testLog, 'utf8'));
  log(`extension-host suite exited with ${code}`);
  return code === 0;
}

async function userInterface(page, base, workspace, shot) {
  const steps = process.env.E2E_SCREENSHOTS === '1';
  const editorLines = page.locator('.editor-instance .monaco-editor .view-lines');
  const problem = (rule) => page.locator('.markers-panel .monaco-list-row', { hasText: rule });
  const statusItem = page.locator('.statusbar-item', { hasText: 'Scopewise:' });

  await page.goto(`${base}/?folder=${encodeURIComponent(workspace)}`);
  await page.waitForSelector('.monaco-workbench', { timeout: STEP_TIMEOUT });
  await page.waitForSelector('.explorer-folders-view .monaco-list-row', { timeout: STEP_TIMEOUT });
  log('workbench rendered');

  await page.keyboard.press('Control+P');
  await page.waitForSelector('.quick-input-widget input', { state: 'visible' });
  await page.keyboard.type('policy.json');
  await page.waitForSelector('.quick-input-list .monaco-list-row', { timeout: STEP_TIMEOUT });
  await page.keyboard.press('Enter');
  await editorLines.waitFor({ timeout: STEP_TIMEOUT });
  log('policy.json open');

  await page.keyboard.press('Control+Shift+M');
  for (const rule of ['passrole-unscoped', 'wildcard-resource', 'policy-version']) {
    await problem(rule).first().waitFor({ timeout: STEP_TIMEOUT });
  }
  await page.waitForSelector('.monaco-editor .squiggly-error', { timeout: STEP_TIMEOUT });
  await page.waitForSelector('.monaco-editor .squiggly-warning', { timeout: STEP_TIMEOUT });
  log(
    'Problems panel:',
    (await problem('passrole-unscoped').first().innerText()).replace(/\s+/g, ' '),
  );

  await statusItem.first().waitFor({ timeout: STEP_TIMEOUT });
  const statusText = (await statusItem.first().innerText()).trim();
  log(`status bar: "${statusText}"`);
  if (statusText !== 'Scopewise: IAM policy') throw new Error(`status bar shows "${statusText}"`);
  if (steps) await shot('1-diagnostics');

  // policy-version points at the first "{": put the cursor there and ask for quick fixes.
  await editorLines.click();
  await page.keyboard.press('Control+Home');
  await openQuickFixMenu(page, 'Add "Version"');
  if (steps) await shot('2-quick-fix-menu');
  // Choose it with the keyboard, as a user would: a click is swallowed by the menu's pointer guard.
  const focused = page.locator('.action-widget .monaco-list-row.focused');
  for (let moves = 0; !(await focused.innerText()).includes('Add "Version"'); moves++) {
    if (moves > 10) throw new Error('"Add \"Version\"" never got the focus in the quick fix menu');
    await page.keyboard.press('ArrowDown');
  }
  await page.keyboard.press('Enter');
  await until(
    async () =>
      (await editorLines.innerText()).replace(/\u00a0/g, ' ').includes('"Version": "2012-10-17",'),
    STEP_TIMEOUT,
    'the quick fix to change the text',
  );
  await problem('policy-version').first().waitFor({ state: 'detached', timeout: STEP_TIMEOUT });
  await problem('passrole-unscoped').first().waitFor({ timeout: STEP_TIMEOUT });
  log('quick fix applied: "Version" added, policy-version gone, passrole-unscoped still reported');
  if (steps) await shot('3-after-fix');

  // Clicking the status bar entry shows the Scopewise output channel.
  await statusItem.first().click();
  const channel = page.locator('.part.panel select.monaco-select-box').first();
  await channel.waitFor({ timeout: STEP_TIMEOUT });
  await until(
    async () => (await channel.evaluate((s) => s.options[s.selectedIndex]?.text)) === 'Scopewise',
    STEP_TIMEOUT,
    'the output panel to show the Scopewise channel',
  );
  log('status bar click showed the Scopewise output');
  if (steps) await shot('4-output');

  // The scoped-ARN quick fix on a template: go to the `Resource: '*'` of build-role.yaml (line 23,
  // column 27, through Quick Open's `:line:column`) and open the quick fix menu there.
  await page.keyboard.press('Control+Shift+M');
  await page.keyboard.press('Control+P');
  await page.waitForSelector('.quick-input-widget input', { state: 'visible' });
  await page.keyboard.type('build-role.yaml');
  // Quick Open lists recent files first: wait until the list shows the file typed, not policy.json.
  await page
    .locator('.quick-input-list .monaco-list-row', { hasText: 'build-role.yaml' })
    .first()
    .waitFor({ timeout: STEP_TIMEOUT });
  await page.keyboard.press('Enter');
  await page
    .locator('.tab.active', { hasText: 'build-role.yaml' })
    .waitFor({ timeout: STEP_TIMEOUT });
  await until(
    async () => (await statusItem.first().innerText()).trim() === 'Scopewise: CloudFormation',
    STEP_TIMEOUT,
    'the status bar to show the template',
  );
  await page.keyboard.press('Control+P');
  await page.waitForSelector('.quick-input-widget input', { state: 'visible' });
  await page.keyboard.type(':23:27');
  await page.keyboard.press('Enter');
  await page
    .locator('.statusbar-item', { hasText: 'Ln 23, Col 27' })
    .first()
    .waitFor({ timeout: STEP_TIMEOUT });
  await openQuickFixMenu(page, 'Scope to ArtifactBucket');
  log('quick fix menu on build-role.yaml offers "Scope to ArtifactBucket"');
  // The README's picture: the squiggle, the Problems entries and the scoped-ARN fix, all at once.
  // E2E_README_IMAGE=1 writes it into docs/images/ to be committed; otherwise it stays in screens/.
  const readmeImage =
    process.env.E2E_README_IMAGE === '1'
      ? path.join(ROOT, 'docs/images/quick-fix.png')
      : path.join(SCREENS, 'readme-quick-fix.png');
  fs.mkdirSync(path.dirname(readmeImage), { recursive: true });
  await page.screenshot({ path: readmeImage });
  log(`README screenshot: ${readmeImage}`);
  await page.keyboard.press('Escape');
  return true;
}

main().then(
  (passed) => process.exit(passed ? 0 : 1),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);

/**
 * Opens the quick fix menu at the cursor (Ctrl+.) until it lists `title`. The first request can
 * come back empty while the built-in JSON and YAML extensions still register their providers
 * (see suite/index.ts): close the menu and ask again, a few times at most.
 */
async function openQuickFixMenu(page, title) {
  const row = page.locator('.action-widget .monaco-list-row', { hasText: title });
  for (let attempt = 1; ; attempt++) {
    await page.keyboard.press('Control+.');
    try {
      await row.first().waitFor({ timeout: 10_000 });
      return;
    } catch (error) {
      if (attempt === 3) throw error;
      log(`quick fix menu without "${title}" (attempt ${attempt}); asking again`);
      await page.keyboard.press('Escape');
    }
  }
}
