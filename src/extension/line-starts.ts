import type { LineStartsUpdate } from './worker/line-starts-sent';
import { lineAndCharacter } from './worker/locate-spans';

/**
 * The line starts of every analysed file, as the analysis workers post them (only the files that
 * changed, with each graph): what turns a span's offsets into an editor range without reading the
 * file. Shared by the workspace folders (paths are absolute; a file in two folders' graphs has one
 * text).
 */
const STARTS = new Map<string, Uint32Array>();

export function keepLineStarts(updates: readonly LineStartsUpdate[]): void {
  for (const [file, starts] of updates) STARTS.set(file, starts);
}

/** 0-based [line, character] of an offset of a file, when its line starts are known. */
export function positionIn(file: string, offset: number): [number, number] | undefined {
  const starts = STARTS.get(file);
  return starts ? lineAndCharacter(starts, offset) : undefined;
}
