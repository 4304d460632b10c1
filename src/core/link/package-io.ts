import * as posix from 'node:path/posix';
import { packageModelFor, type PackageIO, type PackageModel } from '../packages';
import type { Unknown } from '../packages/types';
import type { Project } from '../workspace/scan';
import { VersionReader } from '../workspace/versions';
import type { Linker } from './linker';

/**
 * What package models get from the workspace: the model for the version of the package the
 * registering project uses (read as data: installed manifest, lockfile, declared range —
 * workspace/versions.ts), and folder listings through the Host (never outside the workspace).
 */

/** Most files a model may list under one folder (a larger folder is left unknown). */
export const MAX_PACKAGE_FILES = 2000;

const readers = new WeakMap<Linker, VersionReader>();

/** The model of `pkg` for the version `project` uses; a note when the choice had to guess. */
export function modelForProject(linker: Linker, project: Project | undefined, pkg: string): { model: PackageModel; note?: string } | undefined {
  const first = packageModelFor(pkg, undefined);
  if (!first?.note) return first; // one model for the name: no version needed
  let reader = readers.get(linker);
  if (!reader) readers.set(linker, (reader = new VersionReader(linker.scan.root, linker.host)));
  const version = project ? reader.versionOf(project, pkg)?.version : undefined;
  for (const p of reader.problems.splice(0)) linker.reportFile(p.file, p.reason);
  return packageModelFor(pkg, version);
}

/** A PackageIO answering through the linker's Host. */
export function packageIO(linker: Linker): PackageIO {
  return { listFiles: (dir) => listFiles(linker, dir) };
}

function listFiles(linker: Linker, dir: string): string[] | Unknown {
  const host = linker.host;
  const root = linker.scan.root;
  const inside = (p: string) => p === root || p.startsWith(root.endsWith('/') ? root : `${root}/`);
  if (!posix.isAbsolute(dir)) return { unknown: `folder ${dir} is not an absolute path` };
  const real = host.realpath(dir);
  if (!inside(posix.normalize(dir)) || (real !== undefined && !inside(real))) return { unknown: `folder ${dir} is outside the workspace` };
  if (!real || host.stat(dir) !== 'directory') return { unknown: `folder ${linker.rel(dir)} could not be read` };
  const out: string[] = [];
  const seen = new Set<string>([real]);
  const walk = (abs: string, rel: string): boolean => {
    for (const e of host.readDirectory(abs) ?? []) {
      const childAbs = posix.join(abs, e.name);
      const childRel = rel ? `${rel}/${e.name}` : e.name;
      if (e.kind === 'file' || e.kind === 'symlink-file') out.push(childRel);
      else if (e.kind === 'directory' || e.kind === 'symlink-directory') {
        // Links to folders are followed (glob's `follow: true`), each real folder once.
        const r = host.realpath(childAbs);
        if (!r || seen.has(r)) continue;
        seen.add(r);
        if (!walk(childAbs, childRel)) return false;
      }
      if (out.length > MAX_PACKAGE_FILES) return false;
    }
    return true;
  };
  if (!walk(dir, '')) return { unknown: `folder ${linker.rel(dir)} holds more than ${MAX_PACKAGE_FILES} files` };
  return out.sort();
}
