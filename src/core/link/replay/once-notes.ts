import type { PluginRuns } from './plugin-runs';

/**
 * Notes said once per analysis (a version rule assumed, an env value taken from an example file).
 * Whether a plugin run says one depends on the runs before it, so a run being recorded reads the
 * registry (was it said already?) and adds to it: both are recorded, checked and put back with the
 * run (replay/plugin-runs.ts).
 */
export class OnceNotes {
  private readonly said = new Set<string>();

  constructor(
    private readonly runs: () => PluginRuns | undefined,
    /** Told when a note is asked about (a module's top level asking is evaluated again next link). */
    private readonly asked: () => void,
  ) {}

  /** True the first time `id` is asked about in this analysis (the caller says the note then). */
  first(id: string): boolean {
    this.asked();
    const had = this.said.has(id);
    this.runs()?.noteAsked(id, had);
    if (had) return false;
    this.add(id);
    return true;
  }

  /** Whether `id` was said (for a replay's check). */
  has(id: string): boolean {
    return this.said.has(id);
  }

  /** `id` said (by a run being put back, or the first time). */
  add(id: string): void {
    this.said.add(id);
    this.runs()?.noteAdded(id);
  }
}
