import { type Node, type StringNode } from '../document';
import { replaceString } from '../edits';
import { secretIn } from '../masking';
import { findUrlCredentials } from '../secrets';
import { defineRule } from './rule';

export default defineRule({
  id: 'credentials-in-url',
  defaultSeverity: 'error',
  appliesTo: ['iam-policy', 'codepipeline', 'cloudformation'],
  fixable: true,
  findsSecrets: true,
  docs: {
    summary: `
      A URL with a user name and password written into it (\`https://user:password@host\`), such as
      a CodeBuild source location, a Git remote, a webhook or a database connection string.
    `,
    why: `
      A password inside a URL is as exposed as any other literal secret, and more often copied: URLs
      end up in build logs, console pages, error messages and the project settings that CodeBuild
      shows to everyone with read access. Connect CodeBuild to the source provider with source
      credentials or a CodeConnections connection, and keep other passwords in Secrets Manager. URLs
      whose password is a placeholder (\`\${Token}\`, \`<password>\`), a mask (\`****\`) or a
      dynamic reference are not reported; messages never show the user name or password.
    `,
    fix: `
      Revoke the password, remove the credentials from the URL, and authenticate another way:
      CodeBuild source credentials (\`AWS::CodeBuild::SourceCredential\` with a Secrets Manager
      reference) or a CodeConnections connection for sources, Secrets Manager for other services.
      The quick-fix (unsafe) removes \`user:password@\` from the URL.
    `,
    references: [
      'https://docs.aws.amazon.com/codebuild/latest/userguide/access-tokens.html',
      'https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-codebuild-sourcecredential.html',
      'https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/dynamic-references-secretsmanager.html',
    ],
  },
  check({ document, report }) {
    const visit = (node: Node | undefined): void => {
      if (node === undefined) return;
      if (node.kind === 'array') node.items.forEach(visit);
      else if (node.kind === 'object') for (const p of node.properties) visit(p.value);
      else if (node.kind === 'string') check(node);
    };
    const check = (node: StringNode): void => {
      const found = findUrlCredentials(node.value);
      if (found.length === 0) return;
      const stripped = found.reduceRight(
        (text, c) => text.slice(0, c.from) + text.slice(c.to + 1),
        node.value,
      );
      const oneLine = !document.text.slice(node.start, node.end).includes('\n');
      report({
        at: node,
        message: `"${found.map((c) => c.display).join('", "')}" embeds a user name and password in the URL, readable by anyone who can read the file or the logs that print it. Remove them and authenticate with source credentials, a connection or Secrets Manager.`,
        secrets: found.map((c) => secretIn(document.text, node, c.passwordFrom, c.to)),
        fixes: oneLine
          ? [
              {
                title: 'Remove the user name and password from the URL',
                safe: false,
                edits: [replaceString(document, node, stripped)],
              },
            ]
          : [],
      });
    };
    visit(document.root);
  },
});
