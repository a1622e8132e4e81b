import { describe, expect, it } from 'vitest';
import { parseDocumentText } from '../../server/src/analysis/document';
import { buildModel } from '../../server/src/analysis/model';
import { readBuckets } from '../../server/src/analysis/model/buckets';

const buckets = (yaml: string) => {
  const template = buildModel(parseDocumentText(yaml, 'template.yaml')).template;
  if (!template) throw new Error('not a template');
  return readBuckets(template);
};

describe('template buckets', () => {
  it('attaches policies by Ref, by literal name and by the same Sub text', () => {
    const { buckets: list } = buckets(`Resources:
  ByRef:
    Type: AWS::S3::Bucket
  ByName:
    Type: AWS::S3::Bucket
    Properties: { BucketName: logs-bucket }
  BySub:
    Type: AWS::S3::Bucket
    Properties: { BucketName: !Sub '\${AWS::StackName}-data' }
  P1:
    Type: AWS::S3::BucketPolicy
    Properties: { Bucket: !Ref ByRef, PolicyDocument: { Statement: [] } }
  P2:
    Type: AWS::S3::BucketPolicy
    Properties: { Bucket: logs-bucket, PolicyDocument: { Statement: [] } }
  P3:
    Type: AWS::S3::BucketPolicy
    Properties: { Bucket: !Sub '\${AWS::StackName}-data', PolicyDocument: !ImportValue doc }
`);
    expect(list.map((b) => [b.resource.name, b.policies.map((p) => p.resource.name)])).toEqual([
      ['ByRef', ['P1']],
      ['ByName', ['P2']],
      ['BySub', ['P3']],
    ]);
    // An imported policy document is unknown.
    expect(list[2]?.policies[0]?.policy).toBeUndefined();
    expect(list.every((b) => !b.policyUnknown)).toBe(true);
  });

  it('marks buckets an unresolved policy target may name, and only those', () => {
    const { buckets: list } = buckets(`Resources:
  Named:
    Type: AWS::S3::Bucket
    Properties: { BucketName: fixed-name }
  Generated:
    Type: AWS::S3::Bucket
  Mentioned:
    Type: AWS::S3::Bucket
  P1:
    Type: AWS::S3::BucketPolicy
    Properties: { Bucket: !ImportValue shared, PolicyDocument: { Statement: [] } }
  P2:
    Type: AWS::S3::BucketPolicy
    Properties:
      Bucket: !Join ['', [!Ref Mentioned]]
      PolicyDocument: { Statement: [] }
`);
    expect(list.map((b) => [b.resource.name, b.policyUnknown])).toEqual([
      ['Named', true],
      ['Generated', false],
      ['Mentioned', true],
    ]);
  });

  it('finds artifact stores through ArtifactStore, ArtifactStores and Fn::If', () => {
    const { buckets: list } = buckets(`Resources:
  A:
    Type: AWS::S3::Bucket
  B:
    Type: AWS::S3::Bucket
  C:
    Type: AWS::S3::Bucket
  P1:
    Type: AWS::CodePipeline::Pipeline
    Properties:
      ArtifactStore: { Type: S3, Location: !If [Cond, !Ref A, !Ref AWS::NoValue] }
  P2:
    Type: AWS::CodePipeline::Pipeline
    Properties:
      ArtifactStores:
        - Region: us-east-1
          ArtifactStore: { Type: S3, Location: !Ref B }
`);
    expect(list.map((b) => [b.resource.name, b.artifactStoreOf])).toEqual([
      ['A', ['P1']],
      ['B', ['P2']],
      ['C', []],
    ]);
  });
});
