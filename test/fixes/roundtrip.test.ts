import { readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join, relative } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  addedAccess,
  analyze,
  disableRuleFix,
  documentGrants,
  type Analysis,
  type Finding,
  type Fix,
  type TextEdit,
} from '../../server/src/analysis';
import { testCatalog } from '../support/catalog';
import { stripMarkers } from '../support/markers';
import { CORPUS, corpusOrSay, readManifest } from '../corpus/corpus';

/**
 * Round trip of every quick-fix (issue 6 item 4): over every rule fixture and every corpus file,
 * each fix any finding offers is applied, and then
 * - the edits do not overlap and the text outside them is unchanged (before the first edit, between
 *   edits and after the last one);
 * - the edited document still parses: no `parse-error` or `duplicate-key` finding that was not
 *   there before;
 * - the targeted finding is gone: no finding of the same rule sits at its mapped range (see
 *   `mapRange`), nor, when the finding lay inside an edit, anywhere inside that edit's new text;
 * - no new finding of any rule appears (but `placeholder-value` for what the fix wrote): none of the
 *   same rule at an overlapping mapped range before, and the rule reports more than before;
 * - the document grants nothing it did not grant before and drops no Deny (`addedAccess` of the
 *   access model), unless the rule's fixes add access on purpose (`GRANTS_MORE`, with reasons).
 * Each fix checked is counted and the count printed.
 *
 * Only documents with at least one fix are analysed twice; the rest cost one analysis each.
 */

const FIXTURES = join(__dirname, '..', 'fixtures');

/**
 * Fixes known to fail one check, each with the reason. Kept tiny: a fix that fails belongs fixed
 * in its rule, not listed here.
 */
const ALLOWED: readonly {
  readonly rule: string;
  readonly title: RegExp;
  readonly check: Check;
  readonly detail: RegExp;
  readonly why: string;
  /** A bug reported to its rule's owner: listed so the suite stays green, to remove once fixed. */
  readonly bug?: true;
}[] = [
  {
    rule: 'passrole-unscoped',
    title:
      /^(Scope to a role ARN to fill in|Move iam:PassRole to its own statement scoped to a role ARN to fill in)$/,
    check: 'gone',
    detail: /no "iam:PassedToService" condition/,
    why:
      'when no role to pass is known and nothing tells which service the roles go to, the way out ' +
      'scopes the roles to a placeholder but cannot write the condition: the error becomes the ' +
      'warning about the missing iam:PassedToService, which is a different finding',
  },
  {
    rule: 'passrole-unscoped',
    title: / in this branch$/,
    check: 'gone',
    detail: /no "iam:PassedToService" condition/,
    why:
      'when the Resource is an Fn::If whose other branches pass roles of unknown or other services, ' +
      'the fix scopes one branch to a role and adds no condition (it would break the others): the ' +
      'error becomes the warning about the missing iam:PassedToService, which is a different finding',
  },
  {
    rule: 'bucket-insecure-transport',
    title: /^Deny requests made without TLS$/,
    check: 'new',
    detail: /^new error: unresolved-reference: /,
    why:
      'the deny statement names the bucket the way the bucket policy already does; when that name ' +
      'is one the template does not define (a snippet that references a bucket defined elsewhere), ' +
      'the new statement repeats the unresolved reference the document already has',
  },
];

/**
 * Rules whose fixes may grant more, each with the reason; for all others a fix must grant nothing
 * the document did not grant before.
 */
const GRANTS_MORE: ReadonlyMap<string, string> = new Map([
  [
    'service-role-missing-permission',
    'adds what the pipeline needs to run: more access on purpose',
  ],
  ['unknown-action', 'a misspelt action grants nothing; the corrected one grants what was meant'],
  [
    'unknown-condition-key',
    'a key no request carries never matches, so its statement granted (or denied) nothing',
  ],
  [
    'condition-operator-mismatch',
    'an operator of the wrong type never matches, so its statement granted (or denied) nothing',
  ],
  [
    'unresolved-reference',
    'a template that names what it does not define fails to deploy: its statements granted nothing',
  ],
  ['policy-structure', 'a statement IAM rejects (an Effect of "allow") grants nothing as written'],
]);

/**
 * Rules whose fixes repair a policy that does not work as written: findings that appear after the
 * fix are about access the author meant to give, which the broken text hid.
 */
const REPAIRS = new Set(
  [...GRANTS_MORE.keys()].filter((rule) => rule !== 'service-role-missing-permission'),
);

type Check = 'edits' | 'outside' | 'parses' | 'gone' | 'new' | 'grants';

interface Failure {
  readonly file: string;
  readonly rule: string;
  readonly title: string;
  readonly check: Check;
  readonly detail: string;
}

let applied = 0;
/** Where the allow-listed bugs were hit, printed so they stay visible. */
const knownBugs = new Set<string>();
let documents = 0;

function fixtureFiles(folder: string): string[] {
  const files: string[] = [];
  for (const name of readdirSync(folder)) {
    const path = join(folder, name);
    if (statSync(path).isDirectory()) files.push(...fixtureFiles(path));
    else if (['.json', '.yaml', '.yml', '.jsonc', '.template'].includes(extname(name)))
      files.push(path);
  }
  return files.sort();
}

/**
 * Where an offset of the original text lands after the edits: offsets before an edit stay, those
 * after it move by the length change; an offset inside a replaced range goes to the start (`side`
 * 'start') or end ('end') of the edit's new text.
 */
function mapOffset(offset: number, edits: readonly TextEdit[], side: 'start' | 'end'): number {
  let delta = 0;
  for (const edit of edits) {
    if (
      edit.end <= offset &&
      !(edit.start === edit.end && edit.start === offset && side === 'start')
    ) {
      delta += edit.newText.length - (edit.end - edit.start);
    } else if (edit.start < offset) {
      return edit.start + delta + (side === 'start' ? 0 : edit.newText.length);
    }
  }
  return offset + delta;
}

/** The finding's range after the edits: both ends mapped. */
function mapRange(finding: Finding, edits: readonly TextEdit[]): { start: number; end: number } {
  return {
    start: mapOffset(finding.start, edits, 'start'),
    end: mapOffset(finding.end, edits, 'end'),
  };
}

/** Checks the untouched text between, before and after the sorted, non-overlapping edits. */
function outsideUnchanged(
  before: string,
  after: string,
  edits: readonly TextEdit[],
): string | undefined {
  let from = 0;
  let to = 0;
  for (const edit of edits) {
    if (edit.start < from) return `edits overlap at ${edit.start}`;
    const kept = before.slice(from, edit.start);
    if (after.slice(to, to + kept.length) !== kept)
      return `text changed before offset ${edit.start}`;
    to += kept.length;
    if (after.slice(to, to + edit.newText.length) !== edit.newText)
      return `edit at ${edit.start} not applied as given`;
    to += edit.newText.length;
    from = edit.end;
  }
  if (after.slice(to) !== before.slice(from)) return `text changed after offset ${from}`;
  return undefined;
}

function apply(text: string, edits: readonly TextEdit[]): string {
  let result = '';
  let from = 0;
  for (const edit of edits) {
    result += text.slice(from, edit.start) + edit.newText;
    from = edit.end;
  }
  return result + text.slice(from);
}

const broken = (f: Finding) => f.rule === 'parse-error' || f.rule === 'duplicate-key';

/** Applies every fix of every finding of one document and returns what went wrong. */
function roundTrip(file: string, text: string, disableAll: boolean): Failure[] {
  const started = performance.now();
  try {
    return roundTripOnce(file, text, disableAll);
  } finally {
    if (process.env.ROUNDTRIP_PROFILE) timings.push([performance.now() - started, file]);
  }
}

const timings: [number, string][] = [];

/**
 * `disableAll`: also apply "Disable this rule here" (YAML only) to every finding, not only to those
 * that offer a fix of their own.
 */
function roundTripOnce(file: string, text: string, disableAll: boolean): Failure[] {
  const before = analyze(text, { catalog: testCatalog(), fileName: file, explicit: true });
  const withFixes = before.findings.filter((f) => f.fixes.length > 0);
  if (withFixes.length === 0 && !disableAll) return [];
  const failures: Failure[] = [];
  let counted = false;
  for (const finding of disableAll ? before.findings : withFixes) {
    const disable = disableRuleFix(before.document, finding);
    for (const fix of disable ? [...finding.fixes, disable] : finding.fixes) {
      if (!counted) documents++;
      counted = true;
      applied++;
      for (const [check, detail] of checkFix(file, text, before, finding, fix)) {
        const allowed = ALLOWED.find(
          (a) =>
            a.rule === finding.rule &&
            a.check === check &&
            a.title.test(fix.title) &&
            a.detail.test(detail),
        );
        if (!allowed) failures.push({ file, rule: finding.rule, title: fix.title, check, detail });
        else if (allowed.bug) knownBugs.add(`${finding.rule} [${check}] ${file}`);
      }
    }
  }
  return failures;
}

/** The checks one fix fails, with what was seen. */
function checkFix(
  file: string,
  text: string,
  before: Analysis,
  finding: Finding,
  fix: Fix,
): [Check, string][] {
  const failed: [Check, string][] = [];
  const findings = before.findings;
  const edits = [...fix.edits].sort((a, b) => a.start - b.start || a.end - b.end);
  if (edits.length === 0) return [['edits', 'the fix has no edits']];
  const fixed = apply(text, edits);
  const outside = outsideUnchanged(text, fixed, edits);
  if (outside) failed.push(['outside', outside]);
  const after = analyze(fixed, { catalog: testCatalog(), fileName: file, explicit: true });

  const brokenAfter = after.findings.filter(broken);
  if (brokenAfter.length > findings.filter(broken).length)
    failed.push(['parses', brokenAfter.map((f) => `${f.rule}: ${f.message}`).join('; ')]);

  // Gone: nothing of the same rule at the mapped range, nor inside the edit that replaced it. A
  // split that leaves some actions on "*" (no resource of theirs to name) leaves a narrower finding
  // there, with a message naming fewer actions: that is the remaining risk, not the same finding.
  const mapped = mapRange(finding, edits);
  const inside = edits.find((e) => e.start <= finding.start && finding.end <= e.end);
  const insideStart = inside ? mapOffset(inside.start, edits, 'start') : 0;
  const again = after.findings.find(
    (f) =>
      f.rule === finding.rule &&
      ((f.start === mapped.start && f.end === mapped.end) ||
        (inside !== undefined &&
          insideStart <= f.start &&
          f.end <= insideStart + inside.newText.length &&
          (f.message === finding.message || !/^Split the statement/.test(fix.title)))),
  );
  if (again) failed.push(['gone', `still reported: ${again.message}`]);

  // A finding is new when no finding of the same rule was there before at an overlapping (mapped)
  // range (messages may change, a count of actions; positions move), and the rule reports more
  // findings than before (a finding anchored at the first statement that opens a path, or at a
  // bucket's policy rather than the bucket, moves when a fix changes what comes first). A
  // placeholder the fix wrote is meant to be reported until it is filled in; a fix that grants
  // more on purpose may bring findings about what it grants.
  const count = (list: readonly Finding[], rule: string) =>
    list.filter((f) => f.rule === rule).length;
  for (const f of after.findings) {
    if (broken(f) || f.rule === 'placeholder-value' || REPAIRS.has(finding.rule)) continue;
    const known = findings.some((b) => {
      if (b.rule !== f.rule) return false;
      const m = mapRange(b, edits);
      return m.start <= f.end && f.start <= m.end;
    });
    if (!known && count(after.findings, f.rule) > count(findings, f.rule))
      failed.push(['new', `new ${f.severity}: ${f.rule}: ${f.message}`]);
  }

  // The fix grants nothing the document did not grant before, and drops no denial; unless adding
  // access is what the rule is for.
  if (!GRANTS_MORE.has(finding.rule)) {
    for (const added of addedAccess(
      testCatalog(),
      documentGrants(testCatalog(), before.model),
      documentGrants(testCatalog(), after.model),
    )) {
      failed.push([
        'grants',
        `${added.kind === 'grant' ? 'grants' : 'no longer denies'} ${added.action} on ${added.resource}`,
      ]);
    }
  }
  return failed;
}

/** One line per rule, fix and check, with how often it failed and the first file and detail. */
function report(failures: readonly Failure[]): string {
  const groups = new Map<string, Failure[]>();
  for (const f of failures) {
    const key = `${f.rule} "${f.title.replace(/\d+/g, 'N')}" [${f.check}]`;
    groups.set(key, [...(groups.get(key) ?? []), f]);
  }
  return [...groups]
    .map(([key, list]) => `${key} x${list.length}, e.g. ${list[0]?.file}: ${list[0]?.detail}`)
    .join('\n');
}

afterAll(() => {
  if (knownBugs.size > 0)
    console.log(`round-trip: allow-listed known bugs hit:\n  ${[...knownBugs].join('\n  ')}`);
  if (timings.length > 0) {
    const total = timings.reduce((sum, [ms]) => sum + ms, 0);
    const top = timings.sort((a, b) => b[0] - a[0]).slice(0, 15);
    console.log(
      `${Math.round(total)} ms; slowest:\n${top.map(([ms, f]) => `${Math.round(ms)} ${f}`).join('\n')}`,
    );
  }
  console.log(`round-trip: ${applied} fixes applied over ${documents} documents`);
});

describe('quick-fix round trip', () => {
  it('fixtures', () => {
    const failures: Failure[] = [];
    for (const path of fixtureFiles(FIXTURES)) {
      const text = stripMarkers(readFileSync(path, 'utf8'));
      failures.push(...roundTrip(relative(FIXTURES, path), text, true));
    }
    expect(report(failures)).toBe('');
  });

  // In chunks, so no single test blocks the worker long enough to time out its reporting.
  const rows = corpusOrSay('the fix round trip over the corpus') ? readManifest() : [];
  const CHUNK = 500;
  for (let from = 0; from < rows.length; from += CHUNK) {
    it(
      `corpus ${from + 1}-${Math.min(from + CHUNK, rows.length)}`,
      { timeout: 120_000 },
      async () => {
        const failures: Failure[] = [];
        for (const row of rows.slice(from, from + CHUNK)) {
          const text = readFileSync(join(CORPUS, row.path), 'utf8');
          failures.push(...roundTrip(row.path, text, false));
          // Let the worker report to vitest between documents; a long block makes its RPC time out.
          await new Promise((resolve) => setImmediate(resolve));
        }
        expect(report(failures)).toBe('');
      },
    );
  }
});
