// Tokenizes sample lines with VS Code's own TextMate engine and its JSON/YAML grammars (from the
// code-server install) plus syntaxes/scopewise.injection.tmLanguage.json, and checks the scopes
// that the injection adds, and that it leaves everything else alone.
// Run: CODE_SERVER_DIR=<.../node_modules/code-server> node test/e2e/grammar/grammar.test.js
'use strict';
const assert = require('node:assert');
const fs = require('node:fs');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '../../..');
const VSCODE = path.join(process.env.CODE_SERVER_DIR || '', 'lib/vscode');
const textmate = require(path.join(VSCODE, 'node_modules/vscode-textmate'));
const oniguruma = require(path.join(VSCODE, 'node_modules/vscode-oniguruma'));

const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
const contribution = manifest.contributes.grammars[0];
const GRAMMARS = {
  'source.json': path.join(VSCODE, 'extensions/json/syntaxes/JSON.tmLanguage.json'),
  'source.json.comments': path.join(VSCODE, 'extensions/json/syntaxes/JSONC.tmLanguage.json'),
  'source.yaml': path.join(VSCODE, 'extensions/yaml/syntaxes/yaml.tmLanguage.json'),
  [contribution.scopeName]: path.join(ROOT, contribution.path),
};
// The YAML grammar delegates to its versioned variants.
for (const file of fs.readdirSync(path.join(VSCODE, 'extensions/yaml/syntaxes'))) {
  const grammar = JSON.parse(
    fs.readFileSync(path.join(VSCODE, 'extensions/yaml/syntaxes', file), 'utf8'),
  );
  GRAMMARS[grammar.scopeName] ??= path.join(VSCODE, 'extensions/yaml/syntaxes', file);
}

const ACTION = 'support.function.iam-action.scopewise';
const SERVICE = 'entity.name.namespace.iam-service.scopewise';
const ARN = 'constant.other.arn.scopewise';
const SUBSTITUTION = 'variable.other.substitution.scopewise';
const INTRINSIC = 'support.function.intrinsic.cloudformation.scopewise';

async function main() {
  const wasm = fs.readFileSync(
    path.join(VSCODE, 'node_modules/vscode-oniguruma/release/onig.wasm'),
  );
  await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
  const registry = new textmate.Registry({
    onigLib: Promise.resolve({
      createOnigScanner: (patterns) => new oniguruma.OnigScanner(patterns),
      createOnigString: (s) => new oniguruma.OnigString(s),
    }),
    loadGrammar: async (scopeName) => {
      const file = GRAMMARS[scopeName];
      return file ? textmate.parseRawGrammar(fs.readFileSync(file, 'utf8'), file) : null;
    },
    getInjections: (scopeName) =>
      contribution.injectTo.includes(scopeName) ? [contribution.scopeName] : [],
  });

  /** Every token of the text as [text, scopes], line by line. */
  async function tokens(scopeName, text) {
    const grammar = await registry.loadGrammar(scopeName);
    assert.ok(grammar, `grammar ${scopeName} loads`);
    const out = [];
    let state = textmate.INITIAL;
    for (const line of text.split('\n')) {
      const result = grammar.tokenizeLine(line, state);
      for (const token of result.tokens) {
        out.push([line.slice(token.startIndex, token.endIndex), token.scopes]);
      }
      state = result.ruleStack;
    }
    return out;
  }
  /** The texts carrying a scope, adjacent tokens merged (sub-scopes split one match into several). */
  function scoped(list, scope) {
    const runs = [];
    let previous = false;
    for (const [text, scopes] of list) {
      const has = scopes.includes(scope);
      if (has && previous) runs[runs.length - 1] += text;
      else if (has) runs.push(text);
      previous = has;
    }
    return runs;
  }

  let failures = 0;
  async function check(name, fn) {
    try {
      await fn();
      console.log(`ok   ${name}`);
    } catch (error) {
      failures++;
      console.log(`FAIL ${name}\n${process.env.DEBUG ? error.stack : error.message}`);
    }
  }

  await check('JSON policy: actions, ARN, keys untouched', async () => {
    const t = await tokens(
      'source.json',
      [
        '{ "Statement": [ { "Effect": "Allow",',
        '  "Action": ["iam:PassRole", "s3:Get*", "*"],',
        '  "Resource": "arn:aws:s3:::my-bucket/*",',
        '  "Condition": { "StringEquals": { "aws:SourceAccount": "111122223333" } } } ] }',
      ].join('\n'),
    );
    assert.deepStrictEqual(scoped(t, ACTION), ['PassRole', 'Get*', 'SourceAccount']);
    assert.deepStrictEqual(scoped(t, SERVICE), ['iam', 's3', 'aws']);
    assert.deepStrictEqual(scoped(t, ARN), ['arn:aws:s3:::my-bucket/*']);
    assert.deepStrictEqual(scoped(t, INTRINSIC), []);
    // The strings stay strings: the injection only adds scopes inside them.
    for (const [text, scopes] of t) {
      if (scopes.includes(ACTION) || scopes.includes(ARN)) {
        assert.ok(
          scopes.some((s) => s.startsWith('string.')),
          `${text} is still inside a string`,
        );
      }
    }
  });

  await check('JSON template: Fn:: and Ref keys, Sub ARN', async () => {
    const t = await tokens(
      'source.json',
      [
        '{ "Role": { "Fn::GetAtt": ["BuildRole", "Arn"] },',
        '  "Bucket": { "Ref": "ArtifactBucket" },',
        '  "Res": { "Fn::Sub": "arn:${AWS::Partition}:codebuild:${AWS::Region}:${AWS::AccountId}:project/${Project}" },',
        '  "Type": "AWS::S3::Bucket", "Name": "Ref" }',
      ].join('\n'),
    );
    assert.deepStrictEqual(scoped(t, INTRINSIC), ['Fn::GetAtt', 'Ref', 'Fn::Sub']);
    assert.deepStrictEqual(scoped(t, SUBSTITUTION), [
      '${AWS::Partition}',
      '${AWS::Region}',
      '${AWS::AccountId}',
      '${Project}',
    ]);
    assert.deepStrictEqual(scoped(t, ACTION), []);
  });

  await check('JSONC is covered too', async () => {
    const t = await tokens(
      'source.json.comments',
      '// iam:PassRole in a comment\n{ "Action": "iam:PassRole" }',
    );
    assert.deepStrictEqual(scoped(t, ACTION), ['PassRole']);
  });

  await check(
    'YAML template: tags, keys, plain and quoted scalars, comments untouched',
    async () => {
      const t = await tokens(
        'source.yaml',
        [
          'Resources:',
          '  Policy:',
          '    Type: AWS::IAM::ManagedPolicy',
          '    Properties:',
          '      Roles: [!Ref BuildRole]',
          '      PolicyDocument:',
          "        Version: '2012-10-17'",
          '        Statement:',
          '          - Effect: Allow',
          '            Action:',
          '              - iam:PassRole',
          "              - 'codebuild:StartBuild'",
          '            Resource: !GetAtt BuildRole.Arn',
          '          - Effect: Allow',
          '            Action: s3:PutObject # s3:GetObject stays a comment',
          "            Resource: !Sub 'arn:${AWS::Partition}:s3:::${ArtifactBucket}/*'",
          '          - Effect: Allow',
          '            Action: logs:CreateLogGroup',
          '            Resource:',
          '              Fn::GetAtt: [Group, Arn]',
          '      Description: "time 12:30, url https://example.com"',
        ].join('\n'),
      );
      assert.deepStrictEqual(scoped(t, ACTION), [
        'PassRole',
        'StartBuild',
        'PutObject',
        'CreateLogGroup',
      ]);
      assert.deepStrictEqual(scoped(t, INTRINSIC), ['!Ref', '!GetAtt', '!Sub', 'Fn::GetAtt']);
      assert.deepStrictEqual(scoped(t, ARN), ['arn:${AWS::Partition}:s3:::${ArtifactBucket}/*']);
      // After an injected tag, the rest of the line is still tokenized by the YAML grammar.
      const afterRef = t.find(([text]) => text === 'BuildRole');
      assert.ok(
        afterRef && !afterRef[1].includes(INTRINSIC),
        'BuildRole after !Ref is not an intrinsic',
      );
      const comment = t.find(([text]) => text.includes('s3:GetObject'));
      assert.ok(
        comment && comment[1].some((s) => s.startsWith('comment')),
        'the comment stays a comment',
      );
    },
  );

  if (failures > 0) {
    console.log(`grammar: ${failures} failed`);
    process.exit(1);
  }
  console.log('grammar: PASS');
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
