/**
 * Offsets where the lines of a text start, as the TypeScript parser counts them (`\r\n`, `\n`,
 * `\r`, U+2028, U+2029): what `Analyzer.lineStarts` gives, without loading the parser.
 */
export function lineStartsOf(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 13) {
      if (text.charCodeAt(i + 1) === 10) i++;
      starts.push(i + 1);
    } else if (c === 10 || c === 0x2028 || c === 0x2029) starts.push(i + 1);
  }
  return starts;
}
