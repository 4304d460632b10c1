import * as posix from 'node:path/posix';
import picomatch from 'picomatch';
import type { Host } from '../host';

/**
 * A Host on which files and folders matching the globs (relative to `root`) do not exist: the
 * scan, module resolution, autoload's folder walk and fs listings all skip them alike.
 */
export function excludingHost(host: Host, root: string, globs: string[]): Host {
  if (!globs.length) return host;
  const matches = picomatch(globs, { dot: true });
  const excluded = (p: string) => {
    const rel = posix.relative(root, p);
    return rel !== '' && !rel.startsWith('..') && matches(rel);
  };
  return {
    readFile: (p) => (excluded(p) ? undefined : host.readFile(p)),
    stat: (p) => (excluded(p) ? undefined : host.stat(p)),
    realpath: (p) => (excluded(p) ? undefined : host.realpath(p)),
    readDirectory: (d) => {
      if (excluded(d)) return undefined;
      return host.readDirectory(d)?.filter((e) => !excluded(posix.join(d, e.name)));
    },
  };
}
