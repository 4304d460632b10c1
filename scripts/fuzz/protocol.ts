/** Messages between the fuzzer (main thread) and its analysis worker. */

export interface RunRequest {
  index: number;
  /** Absolute fixture folder: the workspace analysed. */
  root: string;
  /** Absolute path of the mutated file. */
  file: string;
  text: string;
}

export type ProblemKind = 'exception' | 'internal-error' | 'rule-failed' | 'malformed' | 'baseline' | 'timeout' | 'crash';

export interface Problem {
  kind: ProblemKind;
  detail: string;
}

export type FromWorker =
  | { type: 'ready' }
  /** The fixture's analyzer is ready (built cold on its first run): the run's time budget starts now. */
  | { type: 'started'; index: number }
  | { type: 'done'; index: number; ms: number; problems: Problem[] };
