/**
 * The texts an editor shows while a file is written, shared by the typing simulations: the Node
 * one (test/unit/typing-simulation.test.ts, through `Analyzer.update`) and the real-editor one
 * (test/vscode/suite/typing-replay.test.ts, through editor edits).
 */

/** One edit: at `offset` of the previous text, `deleteCount` characters replaced by `insert`. */
export interface TextChange {
  offset: number;
  deleteCount: number;
  insert: string;
}

export interface TypingStep {
  /** What this step did, for messages ("typing 120 characters"). */
  what: string;
  /** The whole text after this step. */
  text: string;
  /** The edit from the previous step's text (the file's text before the first step) to `text`. */
  change: TextChange;
  /** Where the step is: typing (every prefix of the text, chunk by chunk), then the cut and the paste of a block. */
  phase: 'typing' | 'cut' | 'paste';
}

/**
 * The file's text deleted, typed back chunk by chunk (`steps` chunks of the same length, one
 * character for short texts), then the middle third of its lines cut and pasted back. The last
 * step's text is `text` again.
 */
export function typingSteps(text: string, steps: number): TypingStep[] {
  const chunk = Math.max(1, Math.ceil(text.length / steps));
  const out: TypingStep[] = [];
  let previous = text;
  const add = (next: string, what: string, phase: TypingStep['phase']) => {
    out.push({ what, text: next, change: changeBetween(previous, next), phase });
    previous = next;
  };
  for (let end = 0; end < text.length; end += chunk) add(text.slice(0, end), end ? `typing ${end} characters` : 'deleting the whole text', 'typing');
  add(text, 'typing the whole text', 'typing');
  const lines = text.split('\n');
  const from = Math.floor(lines.length / 3);
  const to = Math.max(from + 1, Math.floor((2 * lines.length) / 3));
  add([...lines.slice(0, from), ...lines.slice(to)].join('\n'), `cutting lines ${from + 1}-${to}`, 'cut');
  add(text, 'pasting them back', 'paste');
  return out;
}

/** The smallest single edit that turns `before` into `after` (the common start and end kept). */
export function changeBetween(before: string, after: string): TextChange {
  let start = 0;
  const max = Math.min(before.length, after.length);
  while (start < max && before[start] === after[start]) start++;
  let end = 0;
  while (end < max - start && before[before.length - 1 - end] === after[after.length - 1 - end]) end++;
  return { offset: start, deleteCount: before.length - start - end, insert: after.slice(start, after.length - end) };
}

/** `text` with `change` applied. */
export function applyChange(text: string, change: TextChange): string {
  return text.slice(0, change.offset) + change.insert + text.slice(change.offset + change.deleteCount);
}
