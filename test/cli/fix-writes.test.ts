import { linkSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable, Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { run } from '../../server/src/cli/run';
import { NODE_FILE_SYSTEM, type FileSystem } from '../../server/src/node/file-system';

// `--fix` run in this process over a file system that fails where a disk would: full, cut short,
// refusing a new owner. The real file system does the rest, in a temporary folder.

const FIXABLE =
  '{\r\n  "Statement": [{ "Effect": "Allow", "Action": "s3:GetObjekt", "Resource": "arn:aws:s3:::b/*" }]\r\n}\r\n';
const FIXED = FIXABLE.replace('{\r\n', '{\r\n  "Version": "2012-10-17",\r\n');

let dir: string;

afterEach(() => rmSync(dir, { recursive: true, force: true }));

function systemError(code: string, syscall: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`${code}: ${syscall} failed`), { code, syscall });
}

/** The real file system with some calls replaced, and every call that names a path recorded. */
function fakeFileSystem(overrides: Partial<FileSystem>): { fs: FileSystem; opened: string[] } {
  const opened: string[] = [];
  const fs: FileSystem = {
    ...NODE_FILE_SYSTEM,
    ...overrides,
    open: (path, flags, mode) => {
      opened.push(path);
      return (overrides.open ?? NODE_FILE_SYSTEM.open)(path, flags, mode);
    },
  };
  return { fs, opened };
}

/** Runs `scopewise --fix .` in a new folder holding `files`, after `prepare`. */
async function fix(
  fs: FileSystem,
  files: Record<string, string> = { 'policy.json': FIXABLE },
  prepare: (folder: string) => void = () => {},
): Promise<{ status: number; stdout: string; stderr: string }> {
  dir = mkdtempSync(join(tmpdir(), 'scopewise-fix-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  prepare(dir);
  let stdout = '';
  let stderr = '';
  const sink = (append: (text: string) => void) =>
    new Writable({
      write(chunk: Buffer, _encoding, done) {
        append(chunk.toString());
        done();
      },
    });
  const status = await run(['--fix', '.'], {
    cwd: dir,
    env: {},
    stdin: Readable.from([]),
    stdout: sink((text) => (stdout += text)),
    stderr: sink((text) => (stderr += text)),
    fs,
  });
  return { status, stdout, stderr };
}

const REPORT_AFTER_FAILURE =
  'policy.json:1:1  info  The policy has no "Version", so IAM applies the 2008-10-17 grammar';

describe('--fix over a failing file system', () => {
  it('a full disk leaves the original intact, says so, and exits 2', async () => {
    const { fs } = fakeFileSystem({
      write: () => {
        throw systemError('ENOSPC', 'write');
      },
    });
    const result = await fix(fs, { 'policy.json': FIXABLE, 'other.json': FIXABLE });
    expect(result.stderr).toBe(
      [
        'scopewise: Could not fix "other.json": no space left on device (ENOSPC). The file is unchanged.',
        'scopewise: Could not fix "policy.json": no space left on device (ENOSPC). The file is unchanged.',
        '',
      ].join('\n'),
    );
    expect(result.status).toBe(2);
    expect(readFileSync(join(dir, 'policy.json'), 'utf8')).toBe(FIXABLE);
    expect(readdirSync(dir).sort()).toEqual(['other.json', 'policy.json']);
    // The report describes the files as they are: not fixed.
    expect(result.stdout).toContain(REPORT_AFTER_FAILURE);
    expect(result.stdout).not.toContain('Fixed');
  });

  it('a write cut short leaves the original intact and removes the partial copy', async () => {
    let calls = 0;
    const { fs, opened } = fakeFileSystem({
      write: (fd, buffer, offset, length) => {
        if (calls++ === 0) return NODE_FILE_SYSTEM.write(fd, buffer, offset, Math.min(length, 20));
        throw systemError('EIO', 'write');
      },
    });
    const result = await fix(fs);
    expect(result.stderr).toBe(
      'scopewise: Could not fix "policy.json": input/output error (EIO). The file is unchanged.\n',
    );
    expect(result.status).toBe(2);
    expect(readFileSync(join(dir, 'policy.json'), 'utf8')).toBe(FIXABLE);
    expect(readdirSync(dir)).toEqual(['policy.json']);
    // The original is only ever opened to be read, so a process killed mid-write cannot cut it
    // short either: the copy it was writing is a different file.
    const copies = opened.filter((path) => path !== join(dir, 'policy.json'));
    expect(copies).toHaveLength(1);
    expect(copies[0]).toMatch(/[/\\]\.policy\.json\.[0-9a-f]{8}\.scopewise-tmp$/);
  });

  it('short writes are resumed until every byte is written', async () => {
    const { fs } = fakeFileSystem({
      write: (fd, buffer, offset, length) =>
        NODE_FILE_SYSTEM.write(fd, buffer, offset, Math.min(length, 7)),
    });
    const result = await fix(fs);
    expect(result.stderr).toBe('');
    expect(readFileSync(join(dir, 'policy.json'), 'utf8')).toBe(FIXED);
    expect(readdirSync(dir)).toEqual(['policy.json']);
  });

  it('gives the copy the original owner and group', async () => {
    const owners: [number, number][] = [];
    const { fs } = fakeFileSystem({
      stat: (path) => ({
        ...NODE_FILE_SYSTEM.stat(path),
        uid: 4242,
        gid: 4343,
        isFile: () => true,
      }),
      fchown: (_fd, uid, gid) => owners.push([uid, gid]),
    });
    const result = await fix(fs);
    expect(result.stderr).toBe('');
    expect(owners).toEqual([[4242, 4343]]);
    expect(readFileSync(join(dir, 'policy.json'), 'utf8')).toBe(FIXED);
  });

  it('refuses to replace a file whose owner it cannot keep', async () => {
    const { fs } = fakeFileSystem({
      stat: (path) => ({
        ...NODE_FILE_SYSTEM.stat(path),
        uid: 4242,
        gid: 4343,
        isFile: () => true,
      }),
      fchown: () => {
        throw systemError('EPERM', 'fchown');
      },
    });
    const result = await fix(fs);
    expect(result.stderr).toBe(
      'scopewise: Could not fix "policy.json": its owner and group cannot be kept (operation not permitted (EPERM)). The file is unchanged.\n',
    );
    expect(readFileSync(join(dir, 'policy.json'), 'utf8')).toBe(FIXABLE);
    expect(readdirSync(dir)).toEqual(['policy.json']);
  });

  it('a failed rename leaves the original intact', async () => {
    const { fs } = fakeFileSystem({
      rename: () => {
        throw systemError('EXDEV', 'rename');
      },
    });
    const result = await fix(fs);
    expect(result.stderr).toBe(
      'scopewise: Could not fix "policy.json": cross-device link (EXDEV). The file is unchanged.\n',
    );
    expect(readFileSync(join(dir, 'policy.json'), 'utf8')).toBe(FIXABLE);
    expect(readdirSync(dir)).toEqual(['policy.json']);
  });

  it('names a temporary file it could not remove', async () => {
    const { fs } = fakeFileSystem({
      write: () => {
        throw systemError('ENOSPC', 'write');
      },
      unlink: () => {
        throw systemError('EACCES', 'unlink');
      },
    });
    const result = await fix(fs);
    const [leftover] = readdirSync(dir).filter((name) => name !== 'policy.json');
    expect(leftover).toBeDefined();
    expect(result.stderr).toBe(
      `scopewise: Could not fix "policy.json": no space left on device (ENOSPC). The file is unchanged. Remove the temporary file "${join(dir, leftover ?? '')}".\n`,
    );
  });

  it('leaves a file with hard links alone', async () => {
    const result = await fix(NODE_FILE_SYSTEM, { 'policy.json': FIXABLE }, (folder) =>
      linkSync(join(folder, 'policy.json'), join(folder, 'twin.txt')),
    );
    expect(result.stderr).toBe(
      'scopewise: Could not fix "policy.json": it has 2 hard links, which replacing it would separate; fix it by hand. The file is unchanged.\n',
    );
    expect(readFileSync(join(dir, 'twin.txt'), 'utf8')).toBe(FIXABLE);
    expect(readFileSync(join(dir, 'policy.json'), 'utf8')).toBe(FIXABLE);
  });
});
