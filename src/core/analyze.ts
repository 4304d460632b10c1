import * as posix from 'node:path/posix';
import { ParseCache } from './facts/parse';
import type { Host } from './host';
import { Linker, type LinkOptions } from './link/linker';
import { findRoots } from './link/roots';
import type { AppGraph, WorkspaceGraph } from './model';
import { createResolver } from './workspace/resolve';
import { scanWorkspace, type WorkspaceScan } from './workspace/scan';

export interface AnalyzeOptions extends LinkOptions {
  /** Extra folder names to skip while scanning. */
  exclude?: string[];
}

/**
 * The analyser of one workspace folder. `analyze()` builds the graph; `update()` takes one
 * changed file and rebuilds, re-parsing only that file (parses are cached by content).
 */
export class Analyzer {
  private scan: WorkspaceScan | undefined;
  private readonly parseCache = new ParseCache();
  private readonly overlay = new Map<string, string>();

  readonly root: string;

  constructor(
    root: string,
    private readonly host: Host,
    private readonly options: AnalyzeOptions = {},
  ) {
    // Module paths are absolute; a relative root would give every file two identities.
    this.root = posix.resolve(root);
  }

  analyze(): WorkspaceGraph {
    this.scan ??= scanWorkspace(this.root, this.host, { exclude: this.options.exclude });
    return this.link(this.scan);
  }

  /** New text for one file (saved or not); a file the scan did not know is added. */
  update(file: string, text: string): WorkspaceGraph {
    this.overlay.set(file, text);
    const scan = (this.scan ??= scanWorkspace(this.root, this.host, { exclude: this.options.exclude }));
    if (!scan.files.some((f) => f.path === file)) this.scan = scanWorkspace(this.root, this.overlayHost(), { exclude: this.options.exclude });
    return this.link(this.scan);
  }

  /** A deleted or renamed file, or a new folder: scan again (parses stay cached). */
  rescan(): WorkspaceGraph {
    this.scan = scanWorkspace(this.root, this.overlayHost(), { exclude: this.options.exclude });
    return this.link(this.scan);
  }

  /** Files parsed so far (cache misses): an update re-parses only the changed file. */
  get parseCount(): number {
    return this.parseCache.parses;
  }

  private overlayHost(): Host {
    const base = this.host;
    const overlay = this.overlay;
    if (overlay.size === 0) return base;
    return {
      readFile: (p) => overlay.get(p) ?? base.readFile(p),
      stat: (p) => (overlay.has(p) ? 'file' : base.stat(p)),
      realpath: (p) => (overlay.has(p) ? p : base.realpath(p)),
      readDirectory: (d) => {
        const entries = base.readDirectory(d);
        const added = [...overlay.keys()].filter((p) => posix.dirname(p) === d && !entries?.some((e) => e.name === posix.basename(p)));
        if (!added.length) return entries;
        return [...(entries ?? []), ...added.map((p) => ({ name: posix.basename(p), kind: 'file' as const }))].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
      },
    };
  }

  private link(scan: WorkspaceScan): WorkspaceGraph {
    const host = this.overlayHost();
    const linker = new Linker(host, scan, createResolver(host, scan), this.parseCache, this.options);
    for (const u of scan.unresolved) linker.unresolved.push(u);
    findRoots(linker, scan);
    const apps = linker.apps
      .map((a) => a.builder)
      .sort((a, b) => (a.entry.file === b.entry.file ? a.entry.start - b.entry.start : a.entry.file < b.entry.file ? -1 : 1))
      .map((b) => b.toGraph(`${posix.relative(scan.root, b.entry.file)}:${b.entry.line}`));
    return { root: scan.root, apps, unresolved: linker.unresolved, files: scan.files.length };
  }
}

export function analyzeWorkspace(root: string, host: Host, options?: AnalyzeOptions): WorkspaceGraph {
  return new Analyzer(root, host, options).analyze();
}

export type { AppGraph };
