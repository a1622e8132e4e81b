/**
 * Read actions that return data rather than metadata: the object, secret, parameter, item, record,
 * log, image and key reads whose result is the content a resource holds. On `Resource: "*"` they
 * expose every such resource of the account, so `wildcard-resource` reports them as warnings like
 * writes; other Read actions (describing a resource, reading its policy or configuration) are
 * metadata reads, reported as info. Written as IAM patterns; matched case-insensitively.
 */
import { patternCovers } from '../iam/statement';

export const DATA_READS: readonly string[] = [
  's3:GetObject*',
  'secretsmanager:GetSecretValue',
  'secretsmanager:BatchGetSecretValue',
  'ssm:GetParameter*',
  'ssm:GetSecretValue',
  'dynamodb:GetItem',
  'dynamodb:BatchGetItem',
  'dynamodb:Query',
  'dynamodb:Scan',
  'dynamodb:GetRecords',
  'dynamodb:PartiQLSelect',
  'kms:Decrypt',
  'kinesis:GetRecords',
  'logs:GetLogEvents',
  'logs:FilterLogEvents',
  'logs:GetQueryResults',
  'ecr:BatchGetImage',
  'ecr:GetDownloadUrlForLayer',
  'codecommit:GitPull',
  'codestar-connections:UseConnection',
  'codeconnections:UseConnection',
  'codecommit:GetBlob',
  'codecommit:GetFile',
  'codecommit:GetFolder',
  'lambda:GetFunction',
  'athena:GetQueryResults',
  'glacier:GetJobOutput',
  'ec2:GetPasswordData',
  'sqs:ReceiveMessage',
  'elasticfilesystem:ClientMount',
  'rds-db:connect',
  'es:ESHttpGet',
  'es:ESHttpPost',
];

/** Whether the action (`service:Name`) returns the data a resource holds. */
export function readsData(fullName: string): boolean {
  return DATA_READS.some((pattern) => patternCovers(pattern, fullName));
}
