/**
 * The shape of one row of our CodePipeline action-type table (see `../action-types.ts`), and the
 * small helpers the per-category row files share.
 */

/** An inclusive count range. */
export interface CountRange {
  readonly min: number;
  readonly max: number;
}

export type ActionCategory =
  'Source' | 'Build' | 'Test' | 'Deploy' | 'Approval' | 'Invoke' | 'Compute';

/** One key of an action's `configuration` object. */
export interface ConfigKey {
  /** Spelt exactly as the API and CloudFormation spell it (`ProjectName`, `OAuthToken`). */
  readonly name: string;
  /**
   * The action fails without it. Keys the AWS page calls "conditional" (needed only in some
   * modes, e.g. CloudFormation `TemplatePath`) are `false` here and say so in the description.
   */
  readonly required: boolean;
  /** The value is a credential: it must never be a literal in a document. */
  readonly secret?: boolean;
  /** What the key means, in our own words; one sentence. */
  readonly description: string;
}

/** Permissions the pipeline's service role needs, unconditionally or when a key is set. */
export interface RolePermission {
  readonly actions: readonly string[];
  /**
   * Needed only when this configuration key is present with a value other than `false`
   * (CodeBuild `BatchEnabled`, CloudFormation `RoleArn` for `iam:PassRole`).
   */
  readonly whenConfig?: string;
  /**
   * With `whenConfig`: needed only when the key's value is one of these, compared without case
   * (CloudFormation `ActionMode` `CHANGE_SET_EXECUTE`, ECRBuildAndPublish `RegistryType`
   * `public`). When the value is not a literal (a parameter, an `Fn::If`), a consumer cannot tell
   * and must not report the permission missing. Added for H1; a consumer that ignores it asks for
   * the permission in more cases than needed.
   */
  readonly whenValue?: readonly string[];
  /**
   * Other spellings of the same permissions: an action here stands in for the entry of
   * `actions` with the same name after the colon (`codeconnections:UseConnection` for
   * `codestar-connections:UseConnection`). Added for H1.
   */
  readonly alternatives?: readonly string[];
}

/** A role the action hands to another service (`iam:PassRole` with `iam:PassedToService`). */
export interface PassedRole {
  /** The configuration key that holds the role ARN, or names what holds it (see `indirect`). */
  readonly configKey: string;
  /** The service principal that receives the role, e.g. `cloudformation.amazonaws.com`. */
  readonly service: string;
  /**
   * Set when the ARN is not the key's value but sits in what the key names, e.g. the task and
   * execution roles inside an ECS task definition; says where, in a few words. Such a role cannot
   * be read from the document. Added for H1.
   */
  readonly indirect?: string;
}

export interface ActionType {
  readonly category: ActionCategory;
  /** `AWS`, `ThirdParty` or `Custom`; some providers are accepted under two owners. */
  readonly owners: readonly string[];
  readonly provider: string;
  /** Valid `version` values. */
  readonly versions: readonly string[];
  /** What the action does, in our own words; one or two sentences. */
  readonly description: string;
  readonly configuration: readonly ConfigKey[];
  readonly inputs: CountRange;
  readonly outputs: CountRange;
  /** What the pipeline's service role must allow for this action to run. */
  readonly permissions: readonly RolePermission[];
  /**
   * Actions that the AWS pages or console-made roles grant for this provider although the
   * action runs without them (extra reads, log groups of managed compute). Never report them
   * missing; never report them unused. Added for H1.
   */
  readonly relatedPermissions?: readonly string[];
  readonly passedRoles: readonly PassedRole[];
  /** The AWS action structure reference page. */
  readonly reference: string;
  /** Only V2 pipelines accept this action type. Added for H1. */
  readonly v2Only?: boolean;
}

/** The CodePipeline user guide, where every action reference page lives. */
export const GUIDE = 'https://docs.aws.amazon.com/codepipeline/latest/userguide/';
export const none: CountRange = { min: 0, max: 0 };
export const one: CountRange = { min: 1, max: 1 };

/** An inclusive range. */
export function range(min: number, max: number): CountRange {
  return { min, max };
}

/** A configuration key the action needs. */
export function req(name: string, description: string): ConfigKey {
  return { name, required: true, description };
}

/** A configuration key the action can do without. */
export function opt(name: string, description: string): ConfigKey {
  return { name, required: false, description };
}

/** A required key whose value is a credential. */
export function secret(name: string, description: string): ConfigKey {
  return { name, required: true, secret: true, description };
}

/**
 * What the managed-compute actions (Commands, ECRBuildAndPublish, EKS, InspectorScan) write to
 * CloudWatch Logs under `/aws/codepipeline/<pipeline>`.
 */
export const COMPUTE_LOGS: readonly string[] = [
  'logs:CreateLogGroup',
  'logs:CreateLogStream',
  'logs:PutLogEvents',
];
