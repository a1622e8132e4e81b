/**
 * Editor features through VS Code's provider commands (issue 7, item 4): a policy, a YAML template
 * and a pipeline JSON; their diagnostics, the scoped-ARN quick fixes, hovers, completion of
 * CodePipeline configuration keys and the pipeline's document symbols. Exact texts come from the
 * engine (run the CLI on test/e2e/fixtures/workspace to see them).
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { ScopewiseApi } from '../../../client/src/extension';
import {
  codeLines,
  codeOf,
  diagnosticsWith,
  hoverText,
  log,
  only,
  open,
  positionOf,
  quickFix,
  request,
  revert,
  waitFor,
} from './util';

type FileUri = (name: string) => vscode.Uri;
const changed = [vscode.languages.onDidChangeDiagnostics];

/** Every test of this module, in order; each leaves its file as it found it. */
export async function editorFeatureTests(file: FileUri, api: ScopewiseApi): Promise<void> {
  await policyTests(file('policy.json'));
  await templateTests(file('build-role.yaml'));
  await pipelineTests(file('pipeline.json'), api);
}

/** Asserts that `text` holds every piece, naming the first one missing. */
function assertHas(text: string, pieces: readonly string[], what: string): void {
  for (const piece of pieces) assert.ok(text.includes(piece), `${what} lacks ${piece}:\n${text}`);
}

async function applyFix(
  uri: vscode.Uri,
  diagnostic: vscode.Diagnostic,
  title: string,
): Promise<void> {
  const fix = await quickFix(uri, diagnostic.range, title);
  assert.ok(fix.edit, `"${title}" comes with its edit`);
  assert.ok(await vscode.workspace.applyEdit(fix.edit), `"${title}" applies`);
}

/**
 * policy.json: the hover on iam:PassRole, then "Replace with ARN format to fill in" on the other
 * statement's "*" (iam:PassRole on "*" is passrole-unscoped's alone).
 */
async function policyTests(uri: vscode.Uri): Promise<void> {
  const policy = await open(uri);
  await revert(policy);
  assert.equal(policy.lineAt(10).text, '      "Resource": "*"', 'policy.json as written');
  const before = await waitFor(
    'wildcard-resource and passrole-unscoped on policy.json',
    changed,
    diagnosticsWith(uri, ['wildcard-resource', 'passrole-unscoped']),
  );
  const wildcard = only(before, 'wildcard-resource');
  assert.equal(wildcard.severity, vscode.DiagnosticSeverity.Warning);
  assert.equal(policy.getText(wildcard.range), '"*"');
  assert.equal(wildcard.range.start.line, 10);
  assert.equal(
    wildcard.message,
    '"Resource": "*" applies s3:PutObject to every resource in the account; it supports ' +
      'resource-level permissions, so name the resources.',
  );

  // Hover on the action: the catalog's entry, then the finding under the cursor with its fix.
  const hover = await hoverText(uri, positionOf(policy, '"iam:PassRole"', 3));
  assertHas(
    hover,
    [
      '**iam:PassRole** · AWS Identity and Access Management (IAM) · Write',
      'Grants permission to pass a role to a service',
      '- `role` (required) `arn:${Partition}:iam::${Account}:role/${RoleNameWithPath}`',
      'Condition keys: `iam:AssociatedResourceArn`, `iam:PassedToService`',
      '\n\n---\n\n**passrole-unscoped** (error): ',
      '\n\n_Fix:_ ',
    ],
    'the iam:PassRole hover',
  );
  log('policy.json hover on iam:PassRole:', hover.split('\n')[0]);

  // The scoped-ARN fix: the object ARN format with placeholders to fill in.
  await applyFix(uri, wildcard, 'Replace with ARN format to fill in');
  assert.equal(policy.lineAt(10).text, '      "Resource": "arn:aws:s3:::BUCKET_NAME/OBJECT_NAME"');
  // The placeholders stay findings (placeholder-value) until the user fills them in.
  const after = await waitFor(
    'wildcard-resource to go away and placeholder-value to flag the placeholders',
    changed,
    diagnosticsWith(uri, ['placeholder-value', 'passrole-unscoped'], ['wildcard-resource']),
  );
  const placeholder = only(after, 'placeholder-value');
  assert.equal(policy.getText(placeholder.range), '"arn:aws:s3:::BUCKET_NAME/OBJECT_NAME"');
  log('policy.json after the scoped-ARN fix:', codeLines(after));
  await revert(policy);
}

/** build-role.yaml: the hover on s3:GetObject, then "Scope to ArtifactBucket". */
async function templateTests(uri: vscode.Uri): Promise<void> {
  const template = await open(uri);
  assert.equal(template.languageId, 'yaml');
  const original = template.getText();
  const before = await waitFor(
    'wildcard-resource on build-role.yaml',
    changed,
    diagnosticsWith(uri, ['wildcard-resource', 'bucket-encryption']),
  );
  const wildcard = only(before, 'wildcard-resource');
  assert.equal(template.getText(wildcard.range), "'*'");
  assert.equal(wildcard.range.start.line, 22);

  const hover = await hoverText(uri, positionOf(template, 's3:GetObject', 3));
  assertHas(
    hover,
    [
      '**s3:GetObject** · Amazon S3 · Read',
      'Grants permission to retrieve objects from Amazon S3',
      '- `object` `arn:${Partition}:s3:::${BucketName}/${ObjectName}`',
    ],
    'the s3:GetObject hover',
  );
  log('build-role.yaml hover on s3:GetObject:', hover.split('\n')[0]);

  // The template's own bucket, as the object ARN CloudFormation builds from it.
  await applyFix(uri, wildcard, 'Scope to ArtifactBucket');
  assert.equal(
    template.lineAt(22).text,
    "                Resource: !Sub '${ArtifactBucket.Arn}/*'",
  );
  assert.equal(
    template.getText(),
    original.replace("Resource: '*'", "Resource: !Sub '${ArtifactBucket.Arn}/*'"),
    'the fix changed that value only',
  );
  const after = await waitFor(
    'wildcard-resource to go away on build-role.yaml',
    changed,
    diagnosticsWith(uri, ['bucket-encryption'], ['wildcard-resource']),
  );
  log('build-role.yaml after "Scope to ArtifactBucket":', codeLines(after));
  await revert(template);
}

/** pipeline.json: diagnostics, the provider hover, configuration key completion, symbols. */
async function pipelineTests(uri: vscode.Uri, api: ScopewiseApi): Promise<void> {
  const pipeline = await open(uri);
  const diagnostics = await waitFor(
    'pipeline-action-config and artifact-store-default-key on pipeline.json',
    changed,
    diagnosticsWith(uri, ['pipeline-action-config', 'artifact-store-default-key']),
  );
  assert.deepEqual(diagnostics.map(codeOf).sort(), [
    'artifact-store-default-key',
    'pipeline-action-config',
  ]);
  const config = only(diagnostics, 'pipeline-action-config');
  assert.equal(config.severity, vscode.DiagnosticSeverity.Error);
  assert.equal(pipeline.getText(config.range), '"configuration"');
  assert.equal(config.range.start.line, 37);
  assert.equal(
    config.message,
    'Action "Compile" (CodeBuild) lacks the required configuration key "ProjectName"; ' +
      'CodeBuild cannot run without it.',
  );
  await waitFor(
    'the CodePipeline status bar entry',
    [api.onDidChangeDocumentStatus, vscode.window.onDidChangeActiveTextEditor],
    () => api.statusBarText() === '$(shield) Scopewise: CodePipeline',
  );
  log('pipeline.json diagnostics:', codeLines(diagnostics));

  // Hover on the provider: its configuration keys and what the pipeline's role needs for it.
  const hover = await hoverText(uri, positionOf(pipeline, '"CodeBuild"', 3));
  assertHas(
    hover,
    [
      '**CodeBuild** · CodePipeline Build action · owner AWS · version 1',
      '- `ProjectName` (required)',
      '- `PrimarySource` (optional)',
      'Service role needs:\n- `codebuild:BatchGetBuilds`, `codebuild:StartBuild`',
    ],
    'the CodeBuild provider hover',
  );
  log('pipeline.json hover on CodeBuild:', hover.split('\n')[0]);

  await completionTest(uri, pipeline);
  await symbolTest(uri);
}

/** Completion inside `configuration` offers the provider's keys, replacing the key typed there. */
async function completionTest(uri: vscode.Uri, pipeline: vscode.TextDocument): Promise<void> {
  const keyStart = positionOf(pipeline, '"PrimarySource"', 0);
  const key = new vscode.Range(keyStart, keyStart.translate(0, '"PrimarySource"'.length));
  const label = (item: vscode.CompletionItem) =>
    typeof item.label === 'string' ? item.label : item.label.label;
  const items = await request(
    'completion inside "configuration"',
    () =>
      vscode.commands.executeCommand<vscode.CompletionList>(
        'vscode.executeCompletionItemProvider',
        uri,
        keyStart.translate(0, 1),
      ),
    (list) => (list.items.some((item) => label(item) === 'ProjectName') ? list.items : undefined),
    (list) => (list?.items ?? []).map(label).join(', '),
  );
  const labels = items.map(label);
  for (const wanted of [
    'ProjectName',
    'PrimarySource',
    'BatchEnabled',
    'CombineArtifacts',
    'EnvironmentVariables',
  ]) {
    assert.ok(labels.includes(wanted), `completion offers ${wanted}: ${labels.join(', ')}`);
  }
  const projectName = items.find((item) => label(item) === 'ProjectName');
  assert.ok(projectName);
  assert.equal(projectName.detail, 'required · CodeBuild');
  assert.equal(projectName.insertText, '"ProjectName"');
  const range = projectName.range;
  const replaced = range instanceof vscode.Range ? range : range?.replacing;
  assert.ok(
    replaced?.isEqual(key),
    `ProjectName replaces "PrimarySource" (${JSON.stringify(range)})`,
  );
  log('pipeline.json completion in configuration:', labels.join(', '));
}

/** Document symbols: the pipeline, its stages, their actions with category/provider. */
async function symbolTest(uri: vscode.Uri): Promise<void> {
  const outline = (symbol: vscode.DocumentSymbol): unknown => ({
    name: symbol.name,
    detail: symbol.detail,
    kind: vscode.SymbolKind[symbol.kind],
    children: symbol.children.map(outline),
  });
  // The built-in JSON extension adds its own outline (keys); Scopewise's root is the pipeline.
  const root = await request(
    'document symbols of pipeline.json',
    () =>
      vscode.commands.executeCommand<vscode.DocumentSymbol[]>(
        'vscode.executeDocumentSymbolProvider',
        uri,
      ),
    (symbols) => symbols.find((s) => s.name === 'release' && s.detail === 'CodePipeline'),
    (symbols) => (symbols ?? []).map((s) => `${s.name} (${s.detail})`).join(', '),
  );
  assert.deepEqual(outline(root), {
    name: 'release',
    detail: 'CodePipeline',
    kind: 'Module',
    children: [
      {
        name: 'Source',
        detail: '',
        kind: 'Package',
        children: [
          {
            name: 'Checkout',
            detail: 'Source/CodeStarSourceConnection',
            kind: 'Function',
            children: [],
          },
        ],
      },
      {
        name: 'Build',
        detail: '',
        kind: 'Package',
        children: [{ name: 'Compile', detail: 'Build/CodeBuild', kind: 'Function', children: [] }],
      },
    ],
  });
  log('pipeline.json symbols: release > Source > Checkout, Build > Compile');
}
