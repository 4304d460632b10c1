import type { Span, WorkspaceGraph } from '../../core/model';

/** Offsets where each line starts, for a file; undefined when the file is unknown. */
export type LineStartsOf = (file: string) => readonly number[] | undefined;

/**
 * Fills `range` (0-based line/character of start and end) on every span of the graph, so the
 * editor side can make locations without opening or reading files.
 */
export function locateSpans(graph: WorkspaceGraph | unknown, lineStartsOf: LineStartsOf): void {
  const cache = new Map<string, readonly number[] | undefined>();
  const starts = (file: string) => {
    if (!cache.has(file)) cache.set(file, lineStartsOf(file));
    return cache.get(file);
  };
  const visit = (v: unknown): void => {
    if (Array.isArray(v)) {
      for (const x of v) visit(x);
      return;
    }
    if (!v || typeof v !== 'object') return;
    const o = v as Record<string, unknown>;
    if (typeof o.file === 'string' && typeof o.start === 'number' && typeof o.end === 'number') {
      const ls = starts(o.file);
      if (ls) {
        const [sl, sc] = lineAndCharacter(ls, o.start);
        const [el, ec] = lineAndCharacter(ls, o.end);
        (o as unknown as Span).range = [sl, sc, el, ec];
      }
    }
    for (const key in o) if (key !== 'range') visit(o[key]);
  };
  visit(graph);
}

/** 0-based line and character of an offset, by binary search over line starts. */
export function lineAndCharacter(lineStarts: ArrayLike<number>, offset: number): [number, number] {
  let lo = 0;
  let hi = lineStarts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (lineStarts[mid] <= offset) lo = mid;
    else hi = mid - 1;
  }
  return [lo, offset - lineStarts[lo]];
}
