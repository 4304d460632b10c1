import type { Host } from '../../host';

/** `host` that tells `onRead` every path it is asked about before answering (replay/plugin-runs.ts: what a run read). */
export function watchedHost(host: Host, onRead: (path: string) => void): Host {
  return {
    readFile: (p) => (onRead(p), host.readFile(p)),
    readDirectory: (p) => (onRead(p), host.readDirectory(p)),
    stat: (p) => (onRead(p), host.stat(p)),
    realpath: (p) => (onRead(p), host.realpath(p)),
  };
}
