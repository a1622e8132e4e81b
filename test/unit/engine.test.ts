import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { analyze, LineIndex, type AnalyzeOptions } from '../../server/src/analysis';
import { testCatalog } from '../support/catalog';
import { stripMarkers } from '../support/markers';

const options = (extra: Partial<AnalyzeOptions> = {}): AnalyzeOptions => ({
  catalog: testCatalog(),
  ...extra,
});
const rules = (text: string, extra: Partial<AnalyzeOptions> = {}) =>
  analyze(text, options(extra)).findings.map((f) => `${f.rule}@${f.start}`);

const PASSROLE =
  '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "iam:PassRole", "Resource": "*"}]}';

describe('document kinds', () => {
  const kind = (text: string, fileName?: string) => analyze(text, options({ fileName })).kind;
  it('tells policies, pipelines and templates apart', () => {
    expect(kind(PASSROLE)).toBe('iam-policy');
    expect(kind('{"pipeline": {"name": "p", "stages": []}}')).toBe('codepipeline');
    expect(kind('{"name": "p", "roleArn": "arn:aws:iam::1:role/r", "stages": []}')).toBe(
      'codepipeline',
    );
    expect(kind('{"AWSTemplateFormatVersion": "2010-09-09"}')).toBe('cloudformation');
    expect(kind('Resources:\n  B:\n    Type: AWS::S3::Bucket\n', 't.yaml')).toBe('cloudformation');
    expect(kind('{"name": "my-app", "version": "1.0.0"}', 'package.json')).toBe('unknown');
    expect(kind('key: value\n', 'config.yml')).toBe('unknown');
  });

  it('says nothing about documents of unknown kind, unless the file was named explicitly', () => {
    expect(rules('{"name": "x",}', { fileName: 'a.json' })).toEqual([]);
    expect(rules('{"name": "x",}', { fileName: 'a.json', explicit: true })).toEqual([
      'parse-error@12',
    ]);
  });

  it('classifies a document from what comes before runaway nesting', () => {
    const deep = '{"Statement": ' + '['.repeat(20000);
    const analysis = analyze(deep, options({ fileName: 'deep.json' }));
    expect(analysis.kind).toBe('iam-policy');
    expect(analysis.findings.map((f) => [f.rule, f.start, f.message])).toEqual([
      [
        'policy-version',
        0,
        'The policy has no "Version", so IAM applies the 2008-10-17 grammar, in which policy variables do not work. Add "Version": "2012-10-17".',
      ],
      // The object counts as the first level, so the 512th bracket is one too many.
      ['parse-error', 525, 'Nesting is deeper than 512 levels; the document was not analysed.'],
    ]);
  });

  it('classifies a broken document from what parsed', () => {
    const broken =
      '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "iam:PassRole", "Resource": "*"}';
    expect(rules(broken, { fileName: 'p.json' })).toEqual([
      'passrole-unscoped@70',
      'parse-error@101',
    ]);
  });
});

describe('embedded policies', () => {
  const template = `
Transform: AWS::Serverless-2016-10-31
Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Policies:
        - S3ReadPolicy: { BucketName: b }
        - Statement:
            - Effect: Allow
              Action: dynamodb:PutItem
              Resource: '*'
  BucketPolicy:
    Type: AWS::S3::BucketPolicy
    Properties:
      PolicyDocument:
        Statement:
          - Effect: Allow
            Principal: '*'
            Action: s3:GetObject
            Resource: '*'
  Key:
    Type: AWS::KMS::Key
    Properties:
      KeyPolicy:
        Version: '2012-10-17'
        Statement:
          - Effect: Allow
            Principal: { AWS: !Sub 'arn:\${AWS::Partition}:iam::\${AWS::AccountId}:root' }
            Action: kms:*
            Resource: '*'
`;
  it('finds SAM inline statements, bucket and key policies with their policy types', () => {
    const analysis = analyze(template, options({ fileName: 'sam.yaml' }));
    expect(analysis.model.policies.map((p) => [p.resource?.name, p.type])).toEqual([
      ['Fn', 'identity'],
      ['BucketPolicy', 'resource'],
      ['Key', 'resource'],
    ]);
    // `*` in a bucket or key policy means the resource the policy is attached to: not reported.
    expect(
      analysis.findings
        .filter((f) => f.rule === 'wildcard-resource')
        .map((f) => new LineIndex(template).positionAt(f.start)),
    ).toEqual([{ line: 11, character: 24 }]);
  });
});

describe('configuration', () => {
  it('applies severity overrides and turns rules off', () => {
    const findings = analyze(
      PASSROLE,
      options({
        rules: new Map([
          ['passrole-unscoped', 'warning'],
          ['wildcard-resource', 'off'],
        ]),
      }),
    ).findings;
    expect(findings.map((f) => [f.rule, f.severity])).toEqual([['passrole-unscoped', 'warning']]);
  });

  it('accepts actions newer than the catalog from allowActions', () => {
    const policy =
      '{"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": ["newsvc:Do", "s3:Brandnew"], "Resource": "*"}]}';
    expect(rules(policy)).toEqual(['unknown-action@70', 'unknown-action@83']);
    expect(rules(policy, { allowActions: ['newsvc:*', 'S3:BrandNew'] })).toEqual([]);
  });

  it('honours disable comments in YAML and Metadata ignores on resources', () => {
    const yaml = `Resources:
  Policy:
    Type: AWS::IAM::ManagedPolicy
    Properties:
      PolicyDocument:
        Version: '2012-10-17'
        Statement:
          - Effect: Allow
            # scopewise-disable-next-line passrole-unscoped
            Action: [iam:PassRole, s3:PutObject]
            Resource: '*'
  Other:
    Type: AWS::IAM::ManagedPolicy
    Metadata:
      scopewise:
        ignore: [passrole-unscoped, wildcard-resource]
    Properties:
      PolicyDocument:
        Version: '2012-10-17'
        Statement:
          - { Effect: Allow, Action: iam:PassRole, Resource: '*' }
`;
    expect(analyze(yaml, options({ fileName: 't.yaml' })).findings.map((f) => f.rule)).toEqual([
      'wildcard-resource',
    ]);
  });
});

describe('fixes built on demand', () => {
  it("builds a finding's fixes once, on first read, and serialises them like a plain property", () => {
    const text =
      '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}';
    const finding = analyze(text, options()).findings.find((f) => f.rule === 'wildcard-resource');
    expect(finding).toBeDefined();
    const first = finding?.fixes;
    expect(first?.map((f) => f.title)).toEqual(['Replace with ARN format to fill in']);
    expect(finding?.fixes).toBe(first);
    expect(JSON.parse(JSON.stringify(finding)).fixes[0].title).toBe(
      'Replace with ARN format to fill in',
    );
  });
});

describe('size limit', () => {
  it('reports one info finding for an oversized AWS document instead of analysing it', () => {
    const findings = analyze(PASSROLE, options({ maxSize: 50 })).findings;
    expect(findings).toEqual([
      {
        rule: 'file-too-large',
        severity: 'info',
        message:
          'The file has 104 characters, over the limit of 50, so it was not analysed. Raise "maxFileSize" in .scopewise.json to analyse it.',
        start: 0,
        end: 1,
        fixes: [],
      },
    ]);
    expect(analyze('{"name": "x"}'.padEnd(100), options({ maxSize: 50 })).findings).toEqual([]);
  });
});

describe('foreign templates', () => {
  const folder = join(__dirname, '..', 'fixtures', 'foreign-template');
  const findings = (name: string, extra: Partial<AnalyzeOptions> = {}) =>
    analyze(
      stripMarkers(readFileSync(join(folder, name), 'utf8')),
      options({ fileName: name, ...extra }),
    ).findings.map((f) => `${f.rule}@${f.start}`);

  it('get one foreign-template finding and nothing else', () => {
    expect(findings('template.yaml')).toEqual(['foreign-template@222']);
    expect(findings('go-template.yml')).toEqual(['foreign-template@56']);
    expect(findings('handlebars.json')).toEqual(['foreign-template@50']);
    expect(findings('go-template.yml', { rules: new Map([['foreign-template', 'off']]) })).toEqual(
      [],
    );
  });

  it('leave dynamic references, Fn::Sub and code in block strings to the usual analysis', () => {
    expect(findings('resolve.yaml')).toEqual([]);
    expect(rules('{"Statement": "{{x}}", "Resource": "${AWS::Region}"}')).not.toContain(
      'foreign-template@14',
    );
  });

  it('say nothing about files of unknown kind, unless they were named', () => {
    const salt = 'nginx:\n  pkg.installed:\n    - name: {{ pillar.nginx }}\n{% endif %}\n';
    expect(rules(salt, { fileName: 'init.sls' })).toEqual([]);
    expect(rules(salt, { fileName: 'init.sls', explicit: true })).toEqual(['foreign-template@36']);
  });
});

describe('robustness: the engine returns for any input', () => {
  const fixtures = join(__dirname, '..', 'fixtures');
  const samples = readdirSync(fixtures).flatMap((rule) =>
    readdirSync(join(fixtures, rule))
      .filter((f) => /\.(json|yaml)$/.test(f))
      .map((f) => ({ name: f, text: stripMarkers(readFileSync(join(fixtures, rule, f), 'utf8')) })),
  );

  const never = (text: string, fileName: string) => {
    const analysis = analyze(text, options({ fileName, explicit: true }));
    expect(analysis.internalErrors).toEqual([]);
    for (const f of analysis.findings) {
      expect(f.start).toBeGreaterThanOrEqual(0);
      expect(f.end).toBeLessThanOrEqual(text.length);
      expect(f.end).toBeGreaterThanOrEqual(f.start);
    }
  };

  it('survives truncation and mutation of every fixture', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...samples),
        fc.nat(),
        fc.nat(),
        fc.string({ maxLength: 8 }),
        (sample, cut, at, insert) => {
          const text = sample.text;
          const truncated = text.slice(0, cut % (text.length + 1));
          const position = at % (text.length + 1);
          const mutated = text.slice(0, position) + insert + text.slice(position + insert.length);
          never(truncated, sample.name);
          never(mutated, sample.name);
        },
      ),
      { numRuns: 400, seed: 42 },
    );
  });

  it('survives arbitrary text and binary data', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'binary', maxLength: 300 }),
        fc.constantFrom('a.json', 'a.yaml', 'a.template'),
        never,
      ),
      { numRuns: 300, seed: 7 },
    );
    never(
      String.fromCharCode(...Array.from({ length: 4096 }, (_, i) => (i * 7919) % 256)),
      'blob.json',
    );
  });

  it('survives deep nesting of every shape', () => {
    for (const [open, close] of [
      ['[', ']'],
      ['{"a":', '}'],
      ['{a: ', '}'],
    ]) {
      never((open ?? '').repeat(20000) + (close ?? '').repeat(20000), 'deep.json');
      never((open ?? '').repeat(20000), 'deep.yaml');
    }
    never(Array.from({ length: 3000 }, (_, i) => ' '.repeat(i) + 'a:').join('\n'), 'deep.yaml');
  });

  it('analyses a multi-megabyte template', () => {
    const statement = '{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}';
    const big = `{"Version": "2012-10-17", "Statement": [${Array(40000).fill(statement).join(',')}]}`;
    expect(big.length).toBeGreaterThan(2_500_000);
    // 40,000 statements spend more than the default work budget (test/unit/work-budget.test.ts).
    const analysis = analyze(big, options({ fileName: 'big.json', workBudget: Infinity }));
    expect(analysis.findings.length).toBe(40000);
  });
});

describe('engine failures', () => {
  it('turn into one internal-error finding instead of escaping analyze', () => {
    const broken = {
      catalog: testCatalog(),
      fileName: 'p.json',
      get rules(): ReadonlyMap<string, 'off'> {
        throw new Error('settings exploded\n    at somewhere');
      },
    } as AnalyzeOptions;
    const analysis = analyze(PASSROLE, broken);
    expect(analysis.kind).toBe('unknown');
    expect(analysis.findings.map((f) => [f.rule, f.severity, f.start, f.end, f.message])).toEqual([
      [
        'internal-error',
        'error',
        0,
        1,
        'Scopewise could not analyse this document: an internal error (Error: settings exploded). Please report it; the other documents are analysed as usual.',
      ],
    ]);
    expect(analysis.internalErrors[0]).toMatch(/^analyze: Error: settings exploded/);
  });
});
