import { defineRule } from './rule';

/**
 * Reported by `analyze` itself when something escapes it (see `failed` in analyze.ts); no document
 * is meant to trigger it, so `check` reports nothing.
 */
export default defineRule({
  id: 'internal-error',
  defaultSeverity: 'error',
  appliesTo: ['iam-policy', 'codepipeline', 'cloudformation'],
  fixable: false,
  docs: {
    summary: `Scopewise could not analyse the document because of a bug in Scopewise.`,
    why: `
      A document must never cost the findings of the others: when the engine fails on one (a bug,
      never a problem of the document), that document gets this one finding and every other
      document of the run, or every other open document in the editor, is analysed as usual. The
      finding says that nothing else was checked in the document, so a clean report is not mistaken
      for a clean document.
    `,
    fix: `
      Please report it with the document, or a smaller one that fails the same way, and the message;
      the CLI prints the whole error with \`SCOPEWISE_DEBUG=1\`. Until it is fixed, exclude the
      file in \`.scopewise.json\` or set the rule to \`off\`, and validate the policy with IAM Access
      Analyzer meanwhile.
    `,
    references: [
      'https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-policy-validation.html',
    ],
  },
  check() {},
});
