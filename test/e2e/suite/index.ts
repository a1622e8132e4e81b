/**
 * Extension-host tests: VS Code (code-server) loads the bundle of this module through the
 * `extensionTestsPath` contract and awaits `run()`; a rejection makes the run exit with 1.
 * Runs against the repository root as `extensionDevelopmentPath`, with the workspace from
 * test/e2e/fixtures/workspace copied to a scratch folder. Every wait is on an event, with a timeout.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { ScopewiseApi } from '../../../client/src/extension';
import type { ScanSummary } from '../../../client/src/scan-workspace';
import { editorFeatureTests } from './features';
import {
  codeOf,
  diagnosticsWith,
  log,
  open,
  quickFix,
  revert,
  scopewiseDiagnostics,
  codeLines,
  waitFor,
} from './util';

const EXTENSION_ID = 'scopewise.scopewise';
const ADD_VERSION = 'Add "Version": "2012-10-17"';

async function tests(): Promise<void> {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'a workspace folder is open');
  const file = (name: string) => vscode.Uri.joinPath(folder.uri, name);
  log(`VS Code ${vscode.version}, app host ${vscode.env.appHost}, remote ${vscode.env.remoteName}`);

  const extension = vscode.extensions.getExtension<ScopewiseApi>(EXTENSION_ID);
  assert.ok(extension, `${EXTENSION_ID} is installed`);
  const policyUri = file('policy.json');
  const policy = await open(policyUri);
  assert.equal(policy.languageId, 'json');
  const api = await extension.activate();
  assert.ok(extension.isActive, 'opening a JSON file activated the extension');
  const statusEvents = [api.onDidChangeDocumentStatus, vscode.window.onDidChangeActiveTextEditor];

  // Diagnostics: the rule ids the engine reports for this policy, with links to the rule pages.
  const diagnostics = await waitFor(
    'passrole-unscoped, wildcard-resource and policy-version on policy.json',
    [vscode.languages.onDidChangeDiagnostics],
    diagnosticsWith(policyUri, ['passrole-unscoped', 'wildcard-resource', 'policy-version']),
  );
  log('diagnostics:', codeLines(diagnostics));
  const passRole = diagnostics.find((d) => codeOf(d) === 'passrole-unscoped');
  assert.ok(passRole);
  assert.equal(passRole.severity, vscode.DiagnosticSeverity.Error);
  assert.equal(policy.getText(passRole.range), '"iam:PassRole"');
  // The rule link opens the page shipped with the extension, so it works offline.
  const target = typeof passRole.code === 'object' ? passRole.code.target : undefined;
  assert.equal(target?.scheme, 'file', `docs link ${target}`);
  assert.ok(target.path.endsWith('/docs/rules/passrole-unscoped.md'), `docs link ${target}`);

  // Status bar: the document kind reported by the server for the active editor.
  const status = await waitFor('an iam-policy status for policy.json', statusEvents, () =>
    api.documentStatus(policyUri),
  );
  assert.equal(status.kind, 'iam-policy');
  assert.equal(api.statusBarText(), '$(shield) Scopewise: IAM policy');

  // Quick fix: add "Version"; the text changes and that diagnostic goes away, the others stay.
  const versionDiagnostic = diagnostics.find((d) => codeOf(d) === 'policy-version');
  assert.ok(versionDiagnostic);
  const addVersion = await quickFix(policyUri, versionDiagnostic.range, ADD_VERSION);
  assert.ok(addVersion.edit, `"${ADD_VERSION}" comes with its edit`);
  assert.ok(await vscode.workspace.applyEdit(addVersion.edit), 'the edit applies');
  assert.match(policy.getText(), /^\{\n {2}"Version": "2012-10-17",\n {2}"Statement": \[/);
  await waitFor(
    'policy-version to go away after the fix',
    [vscode.languages.onDidChangeDiagnostics],
    diagnosticsWith(policyUri, ['passrole-unscoped', 'wildcard-resource'], ['policy-version']),
  );
  log('quick fix applied, policy-version gone');

  // Settings: scopewise.rules reaches the server through configuration synchronisation.
  const config = vscode.workspace.getConfiguration('scopewise');
  await config.update(
    'rules',
    { 'wildcard-resource': 'off' },
    vscode.ConfigurationTarget.Workspace,
  );
  await waitFor(
    'wildcard-resource to go away once scopewise.rules turns it off',
    [vscode.languages.onDidChangeDiagnostics],
    diagnosticsWith(policyUri, ['passrole-unscoped'], ['wildcard-resource']),
  );
  await config.update('rules', undefined, vscode.ConfigurationTarget.Workspace);
  await waitFor(
    'wildcard-resource to come back once the setting is removed',
    [vscode.languages.onDidChangeDiagnostics],
    diagnosticsWith(policyUri, ['passrole-unscoped', 'wildcard-resource']),
  );
  log('scopewise.rules applied and removed');

  // The status bar follows the active editor: a template, then a file of no known kind.
  const templateUri = file('template.yaml');
  await open(templateUri);
  await waitFor('a cloudformation status for template.yaml', statusEvents, () =>
    api.documentStatus(templateUri)?.kind === 'cloudformation' ? true : undefined,
  );
  assert.equal(api.statusBarText(), '$(shield) Scopewise: CloudFormation');
  const notesUri = file('notes.json');
  await open(notesUri);
  await waitFor('an unknown status for notes.json', statusEvents, () =>
    api.documentStatus(notesUri)?.kind === 'unknown' ? true : undefined,
  );
  assert.equal(api.statusBarText(), undefined, 'the status bar entry hides for unknown files');
  await open(policyUri);
  await waitFor('the status bar to show the policy again', statusEvents, () =>
    api.statusBarText() === '$(shield) Scopewise: IAM policy' ? true : undefined,
  );
  log('status bar: IAM policy -> CloudFormation -> hidden -> IAM policy');

  // Commands: restarting the server analyses the open documents again.
  const before = api.documentStatus(policyUri);
  await vscode.commands.executeCommand('scopewise.restartServer');
  await waitFor(
    'a fresh status for policy.json after the restart',
    [api.onDidChangeDocumentStatus],
    () => api.documentStatus(policyUri) !== before && api.documentStatus(policyUri),
  );
  await vscode.commands.executeCommand('scopewise.showOutput');
  log('restartServer and showOutput ran');

  await revert(policy);

  await scanAndConfigTests(file);
  await editorFeatureTests(file, api);
}

/** Scan Workspace, Open Rule Documentation and the diagnostic on an invalid .scopewise.json. */
async function scanAndConfigTests(file: (name: string) => vscode.Uri): Promise<void> {
  // A file that was never opened gets its problems from the scan.
  const closedUri = file('scan/admin.json');
  assert.ok(
    !vscode.workspace.textDocuments.some((d) => d.uri.toString() === closedUri.toString()),
    'scan/admin.json is not open',
  );
  assert.deepEqual(scopewiseDiagnostics(closedUri), [], 'no diagnostics before the scan');
  const scanned = waitFor(
    'wildcard-action on the closed scan/admin.json',
    [vscode.languages.onDidChangeDiagnostics],
    diagnosticsWith(closedUri, ['wildcard-action']),
  );
  const summary = await vscode.commands.executeCommand<ScanSummary | undefined>(
    'scopewise.scanWorkspace',
  );
  log('scan summary:', JSON.stringify(summary));
  assert.ok(summary && !summary.cancelled, 'the scan finished');
  assert.ok(summary.files >= 4, `the scan saw the workspace files (${summary.files})`);
  assert.ok(summary.filesWithProblems >= 1 && summary.problems >= 1);
  const found = await scanned;
  log('scan diagnostics:', codeLines(found));

  // Open Rule Documentation: with a rule id it opens that page without asking.
  const opened = await vscode.commands.executeCommand<string | undefined>(
    'scopewise.openRuleDocumentation',
    'wildcard-action',
  );
  assert.equal(opened, 'wildcard-action');
  log('rule documentation opened for', opened);

  // An invalid config: a diagnostic on the bad value, though the file is not open; gone once deleted.
  const configUri = file('.scopewise.json');
  const configText = '{\n  "rules": { "wildcard-action": "loud" }\n}\n';
  const configProblem = waitFor(
    'a config diagnostic on .scopewise.json',
    [vscode.languages.onDidChangeDiagnostics],
    diagnosticsWith(configUri, ['config']),
  );
  await vscode.workspace.fs.writeFile(configUri, new TextEncoder().encode(configText));
  const [problem] = await configProblem;
  assert.ok(problem);
  assert.equal(problem.severity, vscode.DiagnosticSeverity.Error);
  assert.match(problem.message, /"wildcard-action" has severity "loud"/);
  assert.deepEqual(
    [problem.range.start.line, problem.range.start.character, problem.range.end.character],
    [1, 32, 38],
    'the range covers "loud"',
  );
  log('config diagnostic:', problem.message);
  await vscode.workspace.fs.delete(configUri);
  await waitFor(
    'the config diagnostic to clear once the file is deleted',
    [vscode.languages.onDidChangeDiagnostics],
    () => scopewiseDiagnostics(configUri).length === 0,
  );
  log('config diagnostic cleared');
}

export async function run(): Promise<void> {
  try {
    await tests();
    log('PASS');
  } catch (error) {
    log('FAIL', error instanceof Error ? (error.stack ?? error.message) : String(error));
    throw error;
  }
}
