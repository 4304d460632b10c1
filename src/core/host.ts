/**
 * The only way the core touches the file system. The CLI and tests use `nodeHost`;
 * the extension can pass one backed by open editor buffers.
 * Every method must not throw for a missing path: it returns undefined instead.
 */
export interface DirEntry {
  name: string;
  kind: 'file' | 'directory' | 'symlink-file' | 'symlink-directory' | 'other';
}

export interface Host {
  /** Text of a file decoded as UTF-8 (invalid bytes become U+FFFD), or undefined. */
  readFile(path: string): string | undefined;
  /** Entries of a directory, sorted by name, or undefined. */
  readDirectory(path: string): DirEntry[] | undefined;
  /** 'file' | 'directory' after following links, or undefined when missing/broken. */
  stat(path: string): 'file' | 'directory' | undefined;
  /** Canonical path with links resolved, or undefined when it does not exist or loops. */
  realpath(path: string): string | undefined;
}
