/**
 * Reported by the engine, not by `check`: `analyze` looks for a template tag
 * (`document/foreign-template.ts`) after parsing, and a document that has one gets this finding
 * alone, since every other finding on it would be about text another tool has yet to write.
 */
import type { ForeignMarker } from '../document/foreign-template';
import { defineRule } from './rule';

export default defineRule({
  id: 'foreign-template',
  defaultSeverity: 'info',
  appliesTo: ['iam-policy', 'codepipeline', 'cloudformation'],
  fixable: false,
  docs: {
    summary: `
      The file is the source of another tool's template (Jinja, Cookiecutter, Go templates,
      Handlebars), not a policy, pipeline or template that AWS could read, so it was not analysed.
    `,
    why: `
      Tags such as \`{%- if cookiecutter.tracing %}\`, \`{{ .Namespace }}\` or \`{{#each buckets}}\`
      written where JSON or YAML syntax belongs are filled in by another tool before AWS sees the
      file. Until then the file is not valid JSON or YAML, and reporting its parse errors, or the
      policies in what happened to parse, would only bury the findings of real documents. The file
      gets this one finding, at its first tag, and nothing else. Tags inside strings are text:
      CloudFormation's dynamic references (\`'{{resolve:ssm:/app/db/user}}'\`) and \`Fn::Sub\`
      variables (\`\${AWS::Region}\`) are part of a template and are analysed as usual.
    `,
    fix: `
      Exclude the file in \`.scopewise.json\` (\`"exclude": ["cookiecutter-*/**"]\`), and analyse
      what the other tool renders from it instead, for example in CI after \`cookiecutter\` or
      \`helm template\` has run. Turning the rule off keeps the file unanalysed, without the note.
    `,
    references: [
      'https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/template-formats.html',
      'https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/dynamic-references.html',
    ],
  },
  check() {
    // Reported by the engine after parsing (see analyze.ts); a document it reports is not checked.
  },
});

/** The finding's message: what the file is, then what to do. */
export function foreignTemplateMessage(marker: ForeignMarker): string {
  const tag = marker.tag.length > 40 ? `${marker.tag.slice(0, 37)}...` : marker.tag;
  return `Not analysed: a ${marker.engine} template (${tag}), not plain JSON or YAML. Exclude it in .scopewise.json ("exclude") and check the rendered file instead.`;
}
