/**
 * The line starts of the analysed files, posted with each graph only where they changed since the
 * last graph posted, so that the extension host turns spans into editor ranges itself
 * (`positions.ts`), when it shows one. Filling a range on every span of a 2,000-file graph in the
 * worker, and posting them, cost more than the rest of the message.
 */
export type LineStartsUpdate = [file: string, starts: Uint32Array];

export class SentLineStarts {
  /** What the host has, per file: the array it was made from (compared by identity, then by content). */
  private readonly sent = new Map<string, readonly number[]>();

  /** The host has nothing (a new analyser: its graph comes with every file's line starts). */
  reset(): void {
    this.sent.clear();
  }

  /** The files whose line starts the host does not have yet, now marked as sent. */
  changed(files: Iterable<string>, lineStarts: (file: string) => readonly number[] | undefined): LineStartsUpdate[] {
    const out: LineStartsUpdate[] = [];
    for (const file of files) {
      const now = lineStarts(file);
      const before = this.sent.get(file);
      if (!now || now === before) continue;
      this.sent.set(file, now);
      if (before && sameNumbers(before, now)) continue;
      out.push([file, Uint32Array.from(now)]);
    }
    return out;
  }
}

function sameNumbers(a: readonly number[], b: readonly number[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
