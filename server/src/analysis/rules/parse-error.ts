/**
 * The parsers find the errors this rule reports, while they build the tree: `document/json.ts`
 * (jsonc-parser's errors, comments and trailing commas in `.json` files), `document/yaml.ts` (the
 * yaml package's errors and unknown tags) and `document/limits.ts` (nesting too deep to parse).
 * Each becomes a `parse-error` problem on the parsed document, which this rule reports.
 */
import { defineRule } from './rule';

export default defineRule({
  id: 'parse-error',
  defaultSeverity: 'error',
  appliesTo: ['iam-policy', 'codepipeline', 'cloudformation'],
  fixable: false,
  docs: {
    summary: `The document is not valid JSON or YAML.`,
    why: `
      AWS rejects a policy, pipeline definition or template that does not parse, usually with a
      message far less precise than the position reported here. Scopewise still analyses the parts
      that did parse, so other findings may be incomplete until the syntax is repaired. Comments and
      trailing commas are errors in \`.json\` files because IAM, CodePipeline and CloudFormation all
      refuse them.
    `,
    fix: `
      Repair the syntax at the reported position: a missing comma or bracket, a trailing comma, a
      comment in JSON, or a tab used for YAML indentation.
    `,
    references: [
      'https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html',
      'https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/template-formats.html',
    ],
  },
  check(context) {
    for (const problem of context.document.problems) {
      if (problem.code === 'parse-error') context.report({ at: problem, message: problem.message });
    }
  },
});
