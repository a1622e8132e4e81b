import { randomBytes } from 'node:crypto';
import { basename, dirname, join } from 'node:path';
import { OPEN_FLAGS, type FileSystem } from './file-system';

/** What reading a file gave. */
export interface ReadResult {
  readonly bytes: Buffer;
  /** The file went on past the limit: `bytes` holds only its start. */
  readonly truncated: boolean;
  /** A regular file, not a FIFO, device or socket: only those are written back. */
  readonly regular: boolean;
}

export interface ReadOptions {
  /** Stop after this many bytes. */
  readonly maxBytes: number;
  /**
   * Read regular files only, and never wait: a FIFO or device found where a walk saw a file is
   * opened without waiting for a writer and not read (`regular: false`, no bytes).
   */
  readonly regularOnly?: boolean;
  /** With `regularOnly`: fail (ELOOP) rather than follow a symbolic link. */
  readonly noFollow?: boolean;
}

const CHUNK_SIZE = 64 * 1024;

/**
 * The bytes to read so that a text over `maxChars` UTF-16 code units is known to be over: UTF-8
 * spends at most 3 bytes on one code unit (an undecodable byte run of up to 3 bytes becomes one
 * U+FFFD), UTF-16 exactly 2, and a byte-order mark at most 3 more. A file that ends within this
 * many bytes is read whole; one that goes on decodes to more than `maxChars` code units.
 */
export function maxBytesFor(maxChars: number): number {
  return 3 * (maxChars + 1) + 4;
}

/**
 * Reads a file in chunks, stopping after `maxBytes`: a FIFO, `/dev/zero` or a pipe from process
 * substitution ends at the limit instead of filling the memory. Throws the system's error.
 */
export function readFileLimited(fs: FileSystem, path: string, options: ReadOptions): ReadResult {
  const flags =
    OPEN_FLAGS.read |
    (options.regularOnly ? OPEN_FLAGS.nonBlocking : 0) |
    (options.regularOnly && options.noFollow ? OPEN_FLAGS.noFollow : 0);
  const fd = fs.open(path, flags);
  try {
    const regular = fs.fstat(fd).isFile();
    if (!regular && options.regularOnly) {
      return { bytes: Buffer.alloc(0), truncated: false, regular };
    }
    const chunks: Buffer[] = [];
    let total = 0;
    // One byte past the limit tells a file that ends there from one that goes on.
    while (total <= options.maxBytes) {
      const chunk = Buffer.allocUnsafe(Math.min(CHUNK_SIZE, options.maxBytes + 1 - total));
      const count = fs.read(fd, chunk, 0, chunk.length);
      if (count === 0) break;
      chunks.push(count === chunk.length ? chunk : chunk.subarray(0, count));
      total += count;
    }
    const bytes = Buffer.concat(chunks, total);
    const truncated = total > options.maxBytes;
    return { bytes: truncated ? bytes.subarray(0, options.maxBytes) : bytes, truncated, regular };
  } finally {
    fs.close(fd);
  }
}

/** Why a file could not be replaced; the original is unchanged. */
export class WriteError extends Error {
  constructor(
    /** The problem, without the file name. */
    readonly problem: string,
    /** A temporary file that could not be removed. */
    readonly leftover?: string,
  ) {
    super(problem);
  }
}

/**
 * Replaces a regular file's content without ever leaving it half-written: the bytes go to a new
 * file in the same folder, which takes the original's mode, owner and group, is flushed to disk,
 * then renamed over the original. On any failure the temporary file is removed, the original is
 * left as it was, and a WriteError says why. `path` is replaced as it is: a symbolic link there
 * would be replaced, not written through, so callers resolve the links they mean to follow.
 */
export function writeFileAtomically(fs: FileSystem, path: string, bytes: Uint8Array): void {
  const original = attempt(() => fs.stat(path));
  if (!original.isFile()) throw new WriteError('it is not a regular file');
  // Renaming over a file with other names would leave them with the old text.
  if (original.nlink > 1) {
    throw new WriteError(
      `it has ${original.nlink} hard links, which replacing it would separate; fix it by hand`,
    );
  }
  // At most 150 bytes of the name (3 per UTF-16 unit), so the whole stays under 255 bytes.
  const temporary = join(
    dirname(path),
    `.${basename(path).slice(0, 50)}.${randomBytes(4).toString('hex')}.scopewise-tmp`,
  );
  // Only the owner may read the copy until it has the original's mode.
  const fd = attempt(() => fs.open(temporary, OPEN_FLAGS.createNew, 0o600));
  let open = true;
  try {
    for (let offset = 0; offset < bytes.length;) {
      const written = fs.write(fd, bytes, offset, bytes.length - offset);
      if (written <= 0) throw new WriteError('the disk accepted no more bytes');
      offset += written;
    }
    const copy = fs.fstat(fd);
    // Before chmod: a change of owner clears set-user-ID and set-group-ID bits.
    if (copy.uid !== original.uid || copy.gid !== original.gid) {
      try {
        fs.fchown(fd, original.uid, original.gid);
      } catch (error) {
        throw new WriteError(`its owner and group cannot be kept (${describeFileError(error)})`);
      }
    }
    fs.fchmod(fd, original.mode & 0o7777);
    fs.fsync(fd);
    open = false;
    fs.close(fd);
    fs.rename(temporary, path);
  } catch (error) {
    if (open) ignoreErrors(() => fs.close(fd));
    const removed = ignoreErrors(() => fs.unlink(temporary));
    const problem = error instanceof WriteError ? error.problem : describeFileError(error);
    throw new WriteError(problem, removed ? undefined : temporary);
  }
}

/** A system error as a short phrase with its code: "no space left on device (ENOSPC)". */
export function describeFileError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const phrase = code === undefined ? undefined : PHRASES.get(code);
  if (phrase) return `${phrase} (${code})`;
  if (code) return code;
  return error instanceof Error ? error.message : String(error);
}

const PHRASES: ReadonlyMap<string, string> = new Map([
  ['ENOSPC', 'no space left on device'],
  ['EDQUOT', 'disk quota exceeded'],
  ['EIO', 'input/output error'],
  ['EROFS', 'read-only file system'],
  ['EACCES', 'permission denied'],
  ['EPERM', 'operation not permitted'],
  ['ENOENT', 'no such file or directory'],
  ['EISDIR', 'is a directory'],
  ['ELOOP', 'too many symbolic links'],
  ['EFBIG', 'file too large'],
  ['EXDEV', 'cross-device link'],
  ['EBUSY', 'resource busy'],
  ['ENXIO', 'no such device or address'],
]);

function attempt<T>(step: () => T): T {
  try {
    return step();
  } catch (error) {
    throw new WriteError(describeFileError(error));
  }
}

/** Runs a clean-up step; true when it succeeded. */
function ignoreErrors(step: () => void): boolean {
  try {
    step();
    return true;
  } catch {
    return false;
  }
}
