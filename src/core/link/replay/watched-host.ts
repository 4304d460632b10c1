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

/** What the app asked the live file system: a text, a listing, a stat, a real path. */
export type LiveKind = 'readFile' | 'readDirectory' | 'stat' | 'realpath';

/** One question to the live file system with its answer (`answerText`). */
export type LiveRead = [kind: LiveKind, path: string, answer: string];

/** A Host answer as text, to compare with a later one. */
function answerText(answer: unknown): string {
  return answer === undefined ? '\u0000none' : typeof answer === 'string' ? answer : JSON.stringify(answer);
}

/** The answer `host` gives now, as text: what a recorded run compares (replay/plugin-runs.ts `live`). */
export function liveAnswer(host: Host, kind: LiveKind, path: string): string {
  return answerText(host[kind](path));
}

/** `host` that tells `onAnswer` each question with its answer (as `liveAnswer` gives it). */
export function answeringHost(host: Host, onAnswer: (kind: LiveKind, path: string, answer: string) => void): Host {
  const ask = <T>(kind: LiveKind, path: string, answer: T): T => {
    onAnswer(kind, path, answerText(answer));
    return answer;
  };
  return {
    readFile: (p) => ask('readFile', p, host.readFile(p)),
    readDirectory: (p) => ask('readDirectory', p, host.readDirectory(p)),
    stat: (p) => ask('stat', p, host.stat(p)),
    realpath: (p) => ask('realpath', p, host.realpath(p)),
  };
}
