import * as posix from 'node:path/posix';
import { builtinModules } from 'node:module';
import type { Host } from '../host';
import type { WorkspaceScan } from './scan';
export type Resolution = { kind: 'file'; path: string } | { kind: 'builtin'; name: string } | { kind: 'package'; name: string; subpath: string } | { kind: 'missing'; reason: string };
export interface Resolver { resolve(fromFile: string, specifier: string): Resolution }
const EXTS = ['.ts', '.tsx', '.mts', '.cts', '.js', '.jsx', '.mjs', '.cjs'];
export function createResolver(host: Host, scan: WorkspaceScan): Resolver {
  void scan;
  const file = (p: string): string | undefined => {
    if (host.stat(p) === 'file') return p;
    const m = /\.(m|c)?js$/.exec(p);
    if (m) for (const e of ['.ts', '.tsx', '.mts', '.cts']) { const q = p.slice(0, -m[0].length) + e; if (host.stat(q) === 'file') return q; }
    for (const e of EXTS) if (host.stat(p + e) === 'file') return p + e;
    if (host.stat(p) === 'directory') for (const e of EXTS) if (host.stat(posix.join(p, 'index' + e)) === 'file') return posix.join(p, 'index' + e);
    return undefined;
  };
  return {
    resolve(from, spec) {
      if (spec.startsWith('.') || spec.startsWith('/')) {
        const f = file(posix.resolve(posix.dirname(from), spec));
        return f ? { kind: 'file', path: f } : { kind: 'missing', reason: 'no such file' };
      }
      const bare = spec.replace(/^node:/, '');
      if (builtinModules.includes(bare.split('/')[0])) return { kind: 'builtin', name: bare };
      const parts = spec.split('/');
      const n = spec.startsWith('@') ? 2 : 1;
      return { kind: 'package', name: parts.slice(0, n).join('/'), subpath: parts.slice(n).join('/') };
    },
  };
}
