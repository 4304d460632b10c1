import * as posix from 'node:path/posix';
import type { DirEntry, Host } from '../host';

type Kind = 'file' | 'directory' | undefined;

/**
 * A Host that remembers every answer (texts, listings, stats, real paths, misses included) until
 * it is told what changed: the Analyzer keeps one across updates, so an update reads from disk only
 * what its changes touched. `invalidate(paths)` forgets a changed path, everything under it (a
 * folder deleted or renamed) and the listing, stat and real path of each folder above it up to the
 * filesystem root (a file created in a new folder makes the folder new too). Once a link was seen
 * (a symlink entry in a listing, or a real path that is not the path asked), one file may have two
 * names, so an invalidation forgets everything: correct, only slower.
 */
export class CachedHost implements Host {
  private readonly texts = new Map<string, string | undefined>();
  private readonly listings = new Map<string, DirEntry[] | undefined>();
  private readonly kinds = new Map<string, Kind>();
  private readonly reals = new Map<string, string | undefined>();
  private linked = false;

  constructor(private readonly base: Host) {}

  readFile(p: string): string | undefined {
    return remember(this.texts, p, () => this.base.readFile(p));
  }

  readDirectory(d: string): DirEntry[] | undefined {
    return remember(this.listings, d, () => {
      const entries = this.base.readDirectory(d);
      if (entries?.some((e) => e.kind === 'symlink-file' || e.kind === 'symlink-directory')) this.linked = true;
      return entries;
    });
  }

  stat(p: string): Kind {
    return remember(this.kinds, p, () => this.base.stat(p));
  }

  realpath(p: string): string | undefined {
    return remember(this.reals, p, () => {
      const real = this.base.realpath(p);
      if (real !== undefined && real !== p) this.linked = true;
      return real;
    });
  }

  /** Forget what the changes to these paths (absolute, created, changed or deleted) may have changed. */
  invalidate(paths: Iterable<string>): void {
    if (this.linked) return this.clear();
    for (const p of paths) {
      // A path that was a folder (or is unknown) may have had cached entries below it.
      const wasFile = this.kinds.get(p) === 'file' || (this.texts.get(p) !== undefined && !this.listings.has(p));
      for (const m of this.maps()) {
        m.delete(p);
        if (!wasFile) for (const k of m.keys()) if (k.startsWith(p + '/')) m.delete(k);
      }
      for (let dir = posix.dirname(p), prev = p; dir !== prev; prev = dir, dir = posix.dirname(dir)) {
        this.listings.delete(dir);
        this.kinds.delete(dir);
        this.reals.delete(dir);
      }
    }
  }

  /** Forget everything (a rescan). */
  clear(): void {
    for (const m of this.maps()) m.clear();
    this.linked = false;
  }

  private maps(): Map<string, unknown>[] {
    return [this.texts, this.listings, this.kinds, this.reals];
  }
}

function remember<T>(m: Map<string, T>, key: string, read: () => T): T {
  const known = m.get(key);
  if (known !== undefined || m.has(key)) return known as T;
  const v = read();
  m.set(key, v);
  return v;
}
