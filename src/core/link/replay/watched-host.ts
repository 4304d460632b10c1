import type { Host } from '../../host';

/** `host` that calls `onRead` before every read (replay/plugin-runs.ts: a run that reads the disk is not recorded). */
export function watchedHost(host: Host, onRead: () => void): Host {
  return {
    readFile: (p) => (onRead(), host.readFile(p)),
    readDirectory: (p) => (onRead(), host.readDirectory(p)),
    stat: (p) => (onRead(), host.stat(p)),
    realpath: (p) => (onRead(), host.realpath(p)),
  };
}
