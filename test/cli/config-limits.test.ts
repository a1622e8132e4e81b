import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, runCli, temporaryDirectory, write } from './helpers';

// Hostile .scopewise.json files a repository could ship, generated here rather than stored.

let work: string;

beforeAll(async () => {
  await ensureBuilt();
  work = temporaryDirectory();
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

const POLICY =
  '{ "Version": "2012-10-17", "Statement": [{ "Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*" }] }\n';

/** Runs the CLI on a folder holding `config` as its .scopewise.json and one clean policy. */
function withConfig(name: string, config: string) {
  const dir = join(work, name);
  write(dir, '.scopewise.json', config);
  write(dir, 'policy.json', POLICY);
  return runCli(['.'], { cwd: dir });
}

function refused(problem: string) {
  return {
    status: 2,
    stdout: 'No problems found in 0 files\n',
    stderr: `scopewise: invalid config file .scopewise.json: ${problem}; the file it governs was not checked.\n`,
  };
}

describe('config limits', () => {
  it('refuses 200,000 exclude patterns instead of running out of memory', () => {
    const config = JSON.stringify({ exclude: Array.from({ length: 200_000 }, () => 'x') });
    expect(withConfig('many-excludes', config)).toEqual(
      refused('"exclude" has 200,000 entries, over the limit of 10,000'),
    );
  });

  it('refuses long ignore, allowActions and policyTypes lists', () => {
    const many = Array.from({ length: 10_001 }, (_, i) => i);
    expect(withConfig('many-ignores', JSON.stringify({ ignore: many.map(() => ({})) }))).toEqual(
      refused('"ignore" has 10,001 entries, over the limit of 10,000'),
    );
    expect(
      withConfig('many-actions', JSON.stringify({ allowActions: many.map((i) => `s:A${i}`) })),
    ).toEqual(refused('"allowActions" has 10,001 entries, over the limit of 10,000'));
    const types = Object.fromEntries(many.map((i) => [`d${i}/**`, 'identity']));
    expect(withConfig('many-types', JSON.stringify({ policyTypes: types }))).toEqual(
      refused('"policyTypes" has 10,001 entries, over the limit of 10,000'),
    );
  });

  it('accepts 10,000 exclude patterns', () => {
    const config = JSON.stringify({ exclude: Array.from({ length: 10_000 }, (_, i) => `d${i}`) });
    expect(withConfig('limit-excludes', config)).toEqual({
      status: 0,
      stdout: 'No problems found in 1 file\n',
      stderr: '',
    });
  });

  it('refuses a config file over 1 MiB', () => {
    const config = JSON.stringify({ exclude: ['x'.repeat(2 * 1024 * 1024)] });
    expect(withConfig('huge-config', config)).toEqual(
      refused('is larger than 1,048,576 bytes (1 MiB), the limit for a config file'),
    );
  });

  it('refuses a maxFileSize that would switch the limit off', () => {
    expect(withConfig('max-size', '{ "maxFileSize": 1e308 }')).toEqual(
      refused('"maxFileSize" is 1e+308, over the largest allowed, 67108864 (64 MiB)'),
    );
    expect(withConfig('max-size-ok', '{ "maxFileSize": 67108864 }').status).toBe(0);
  });

  it.skipIf(process.platform === 'win32')(
    'refuses a FIFO found as .scopewise.json instead of waiting on it',
    () => {
      const dir = join(work, 'fifo-config');
      write(dir, 'policy.json', POLICY);
      expect(spawnSync('mkfifo', [join(dir, '.scopewise.json')]).status).toBe(0);
      expect(runCli(['.'], { cwd: dir })).toEqual(refused('is not a regular file'));
    },
  );
});
