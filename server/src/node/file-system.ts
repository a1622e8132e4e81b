import {
  closeSync,
  constants,
  fchmodSync,
  fchownSync,
  fstatSync,
  fsyncSync,
  openSync,
  readSync,
  realpathSync,
  renameSync,
  statSync,
  unlinkSync,
  writeSync,
} from 'node:fs';

/** What the file operations need to know of a file. */
export interface FileStats {
  readonly mode: number;
  readonly uid: number;
  readonly gid: number;
  readonly nlink: number;
  isFile(): boolean;
}

/**
 * The file operations the command line reads and writes files with: the synchronous calls of
 * `node:fs`, one file descriptor at a time. Tests inject a file system that fails where a disk
 * would (a full disk, a write cut short) without needing one.
 */
export interface FileSystem {
  open(path: string, flags: number, mode?: number): number;
  close(fd: number): void;
  fstat(fd: number): FileStats;
  stat(path: string): FileStats;
  realpath(path: string): string;
  /** Reads into `buffer` at `offset`; returns the bytes read, 0 at the end. */
  read(fd: number, buffer: Uint8Array, offset: number, length: number): number;
  /** Writes from `buffer` at `offset`; may write fewer than `length` bytes. */
  write(fd: number, buffer: Uint8Array, offset: number, length: number): number;
  fsync(fd: number): void;
  fchmod(fd: number, mode: number): void;
  fchown(fd: number, uid: number, gid: number): void;
  rename(from: string, to: string): void;
  unlink(path: string): void;
}

/** The real file system. */
export const NODE_FILE_SYSTEM: FileSystem = {
  open: (path, flags, mode) => openSync(path, flags, mode),
  close: (fd) => closeSync(fd),
  fstat: (fd) => fstatSync(fd),
  stat: (path) => statSync(path),
  realpath: (path) => realpathSync(path),
  read: (fd, buffer, offset, length) => readSync(fd, buffer, offset, length, null),
  write: (fd, buffer, offset, length) => writeSync(fd, buffer, offset, length),
  fsync: (fd) => fsyncSync(fd),
  fchmod: (fd, mode) => fchmodSync(fd, mode),
  fchown: (fd, uid, gid) => fchownSync(fd, uid, gid),
  rename: (from, to) => renameSync(from, to),
  unlink: (path) => unlinkSync(path),
};

/** Open flags; the ones a platform lacks (Windows) are 0. */
export const OPEN_FLAGS = {
  read: constants.O_RDONLY,
  /** Opening a FIFO does not wait for a writer. */
  nonBlocking: constants.O_NONBLOCK ?? 0,
  /** Opening a symbolic link fails instead of following it. */
  noFollow: constants.O_NOFOLLOW ?? 0,
  /** A new file, failing if the name exists. */
  createNew: constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL,
} as const;
