import { getValue, type Node } from '../document';
import { alternatives, intrinsicName, scalarValue, type Action, type Pipeline } from '../model';
import { actionLabel, spell } from '../pipeline/spelling';
import { defineRule } from './rule';

export default defineRule({
  id: 'github-v1-source',
  defaultSeverity: 'warning',
  appliesTo: ['codepipeline', 'cloudformation'],
  fixable: false,
  docs: {
    summary: `
      A CodePipeline Source action of the \`ThirdParty\` / \`GitHub\` provider, version 1: the
      GitHub (OAuth app) source that authenticates with a personal access token.
    `,
    why: `
      The version 1 GitHub action is deprecated by AWS. It reads the repository with a long-lived
      GitHub OAuth or personal access token kept in the pipeline's configuration (often in the
      template itself or a parameter), a token that usually has access to every repository of its
      owner and must be rotated by hand; it also relies on webhooks with a shared secret. A source
      action of provider \`CodeStarSourceConnection\` uses an AWS CodeConnections (formerly CodeStar
      Connections) connection instead: the GitHub App installation is scoped to chosen repositories,
      no token is stored anywhere in the pipeline, and newer features (triggers with branch and file
      path filters in V2 pipelines, full clones) are only available there. Each branch of an
      \`Fn::If\` between action types is checked on its own; action types the engine cannot read (a
      \`Ref\`, or a parameter for any of their parts) are never reported.
    `,
    fix: `
      Create a connection to GitHub (an \`AWS::CodeConnections::Connection\` or
      \`AWS::CodeStarConnections::Connection\` resource, or in the console) and complete its
      handshake once in the console, where you install the AWS Connector GitHub App on the
      repositories the pipeline needs. Then change the action type to \`Owner: AWS\`, \`Provider:
      CodeStarSourceConnection\`, \`Version: 1\`, and its configuration from \`Owner\`, \`Repo\`,
      \`Branch\`, \`OAuthToken\`, \`PollForSourceChanges\` to \`ConnectionArn\`,
      \`FullRepositoryId\` (\`owner/repo\`), \`BranchName\` (and optionally \`DetectChanges\`,
      \`OutputArtifactFormat\`). Give the pipeline's service role
      \`codestar-connections:UseConnection\` (or \`codeconnections:UseConnection\`) on the
      connection, and delete the token and any \`AWS::CodePipeline::Webhook\` that served the old
      action. There is no quick-fix: the connection has to exist and be approved in GitHub before
      the pipeline can use it, which no text edit can do.
    `,
    references: [
      'https://docs.aws.amazon.com/codepipeline/latest/userguide/update-github-action-connections.html',
      'https://docs.aws.amazon.com/codepipeline/latest/userguide/action-reference-CodestarConnectionSource.html',
      'https://docs.aws.amazon.com/codepipeline/latest/userguide/appendix-github-oauth.html',
      'https://docs.aws.amazon.com/dtconsole/latest/userguide/connections-create-github.html',
    ],
  },
  check({ model, report }) {
    for (const pipeline of model.pipelines) {
      for (const stage of pipeline.stages) {
        for (const action of stage.actions) {
          for (const provider of gitHubV1Providers(pipeline, action)) {
            report({ at: provider, message: message(action) });
          }
        }
      }
    }
  },
});

/**
 * The provider nodes of the action's literal `Source` / `ThirdParty` / `GitHub` / `1` action
 * types: the action type itself, or each branch of an `Fn::If` between action types. Every part
 * must be literal: a `Ref` (or any other intrinsic) leaves the provider open.
 */
function gitHubV1Providers(pipeline: Pipeline, action: Action): Node[] {
  const typeId = action.actionTypeId;
  if (intrinsicName(typeId) !== 'Fn::If') {
    return action.category?.value === 'Source' &&
      action.owner?.value === 'ThirdParty' &&
      action.provider?.value === 'GitHub' &&
      action.version?.value === '1'
      ? [action.provider.node]
      : [];
  }
  const found: Node[] = [];
  for (const branch of alternatives(typeId)) {
    if (branch.kind !== 'object' || intrinsicName(branch) !== undefined) continue;
    const part = (camel: string) => scalarValue(getValue(branch, spell(pipeline, camel)));
    const provider = part('provider');
    if (
      part('category')?.value === 'Source' &&
      part('owner')?.value === 'ThirdParty' &&
      provider?.value === 'GitHub' &&
      part('version')?.value === '1'
    ) {
      found.push(provider.node);
    }
  }
  return found;
}

function message(action: Action): string {
  return `${actionLabel(action)} uses the deprecated GitHub version 1 source (ThirdParty/GitHub), which authenticates with a stored OAuth token; use a CodeStarSourceConnection source action with a CodeConnections connection instead.`;
}
