import { defineRule } from './rule';

export default defineRule({
  id: 'file-too-large',
  defaultSeverity: 'info',
  appliesTo: ['iam-policy', 'codepipeline', 'cloudformation'],
  fixable: false,
  docs: {
    summary: `The file is larger than the analysis size limit (10 MB by default) and was skipped.`,
    why: `
      Real policies, pipelines and templates are far smaller than the limit (CloudFormation accepts
      at most 1 MB from S3), so a file this large is usually generated output or data. Skipping it
      keeps the editor responsive; the finding says so instead of staying silent.
    `,
    fix: `
      Raise \`maxFileSize\` (in bytes) in \`.scopewise.json\` if the file really should be analysed,
      or exclude it.
    `,
    references: [
      'https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/cloudformation-limits.html',
    ],
  },
  check() {
    // Reported by the engine before parsing (see analyze.ts); nothing to check on a parsed document.
  },
});
