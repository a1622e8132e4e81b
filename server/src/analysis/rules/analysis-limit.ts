import { defineRule } from './rule';

/**
 * Reported by `analyze` itself when a document spends its work budget (see budget.ts and
 * `limitFinding` in analyze.ts); `check` reports nothing.
 */
export default defineRule({
  id: 'analysis-limit',
  defaultSeverity: 'warning',
  appliesTo: ['iam-policy', 'codepipeline', 'cloudformation'],
  fixable: false,
  docs: {
    summary: `The document took more work to analyse than its budget allows, so some rules did not check it.`,
    why: `
      Every document gets a fixed budget of work (tree nodes each rule walks, IAM actions its
      statements expand to, findings), counted in work done rather than time, so the same document
      is cut off at the same place on every machine. Real policies, pipelines and templates use a
      small part of it; a generated template of many megabytes, or a statement with a hundred
      thousand condition keys, does not fit. The rules that ran report as usual; the finding names
      the ones that did not, so a short report is not mistaken for a clean document. In the editor
      the budget also keeps one costly document from slowing the others.
    `,
    fix: `
      Split the document (nested stacks, several managed policies), or check it in parts. The rules
      that secrets depend on always run in full. To silence the finding, set the rule to \`off\`;
      the skipped rules stay skipped.
    `,
    references: ['https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html'],
  },
  check() {},
});
