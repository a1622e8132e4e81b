import { defineRule } from './rule';

export default defineRule({
  id: 'duplicate-key',
  defaultSeverity: 'error',
  appliesTo: ['iam-policy', 'codepipeline', 'cloudformation'],
  fixable: false,
  docs: {
    summary: `A key appears twice in the same object.`,
    why: `
      JSON parsers keep one of the values and drop the other without a word, and not all of them
      keep the same one. A policy with two \`Action\` keys in one statement grants only what the
      last one says, which is rarely what the author meant; CloudFormation rejects duplicate keys in
      YAML templates outright.
    `,
    fix: `
      Merge the values into one key (for \`Action\` and \`Resource\`, a list) or delete the one you
      did not mean.
    `,
    references: [
      'https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html',
    ],
  },
  check(context) {
    for (const problem of context.document.problems) {
      if (problem.code === 'duplicate-key')
        context.report({ at: problem, message: problem.message });
    }
  },
});
