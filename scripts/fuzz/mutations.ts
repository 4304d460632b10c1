import * as posix from 'node:path/posix';
import type { Rng } from './prng';

/** What a mutation needs to know about the file and its fixture. */
export interface MutationInput {
  /** Absolute path of the file. */
  file: string;
  text: string;
  /** Every text file of the fixture (absolute path → original text), for splices and cycles. */
  siblings: ReadonlyMap<string, string>;
}

export interface Mutated {
  text: string;
  /** What was done, for the reproduction line: `delete-token "foo"@12; truncate@80`. */
  description: string;
}

interface Token {
  start: number;
  end: number;
}

type Mutator = (text: string, input: MutationInput, rng: Rng) => { text: string; what: string };

const TOKEN = /[A-Za-z_$][\w$]*|\d+(?:\.\d+)?|'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*"|`(?:[^`\\]|\\.)*`|\/\/[^\n]*|\/\*[\s\S]*?\*\/|\s+|[\s\S]/g;

/** Rough JavaScript/JSON tokens (whitespace left out): enough to cut code where a parser notices. */
function tokens(text: string): Token[] {
  const out: Token[] = [];
  for (const m of text.matchAll(TOKEN)) if (!/^\s/.test(m[0])) out.push({ start: m.index!, end: m.index! + m[0].length });
  return out;
}

const show = (s: string) => JSON.stringify(s.length > 40 ? `${s.slice(0, 40)}…` : s);
const splice = (text: string, start: number, end: number, insert: string) => text.slice(0, start) + insert + text.slice(end);
const lineStarts = (text: string) => [0, ...[...text.matchAll(/\n/g)].map((m) => m.index! + 1)];

/** A token, or undefined in a file without one (the mutator then falls back to an insertion). */
function someToken(text: string, rng: Rng): Token | undefined {
  const all = tokens(text);
  return all.length ? rng.pick(all) : undefined;
}

const truncate: Mutator = (text, _i, rng) => {
  const at = rng.int(text.length + 1);
  return { text: text.slice(0, at), what: `truncate@${at}` };
};

const deleteToken: Mutator = (text, _i, rng) => {
  const t = someToken(text, rng);
  if (!t) return truncate(text, _i, rng);
  return { text: splice(text, t.start, t.end, ''), what: `delete-token ${show(text.slice(t.start, t.end))}@${t.start}` };
};

const duplicateToken: Mutator = (text, _i, rng) => {
  const t = someToken(text, rng);
  if (!t) return insertBytes(text, _i, rng);
  const tok = text.slice(t.start, t.end);
  return { text: splice(text, t.end, t.end, ` ${tok}`), what: `duplicate-token ${show(tok)}@${t.start}` };
};

const swapTokens: Mutator = (text, _i, rng) => {
  const all = tokens(text);
  if (all.length < 2) return deleteToken(text, _i, rng);
  let a = rng.pick(all);
  let b = rng.pick(all);
  if (a.start > b.start) [a, b] = [b, a];
  if (a === b) return deleteToken(text, _i, rng);
  const ta = text.slice(a.start, a.end);
  const tb = text.slice(b.start, b.end);
  const out = text.slice(0, a.start) + tb + text.slice(a.end, b.start) + ta + text.slice(b.end);
  return { text: out, what: `swap-tokens ${show(ta)}@${a.start} ${show(tb)}@${b.start}` };
};

/** A token replaced by another token of the same file (an identifier, a string, a number elsewhere). */
const replaceToken: Mutator = (text, _i, rng) => {
  const all = tokens(text);
  if (all.length < 2) return deleteToken(text, _i, rng);
  const a = rng.pick(all);
  const b = rng.pick(all);
  const tb = text.slice(b.start, b.end);
  return { text: splice(text, a.start, a.end, tb), what: `replace-token ${show(text.slice(a.start, a.end))}@${a.start} with ${show(tb)}` };
};

const BRACKETS = ['(', ')', '{', '}', '[', ']', '`', "'", '"', '/*', '${', '<'];

/** An unbalanced bracket or quote: one inserted, or a bracket of the file deleted. */
const unbalance: Mutator = (text, _i, rng) => {
  const existing = tokens(text).filter((t) => '(){}[]'.includes(text.slice(t.start, t.end)));
  if (existing.length && rng.chance(0.5)) {
    const t = rng.pick(existing);
    return { text: splice(text, t.start, t.end, ''), what: `delete-bracket ${show(text.slice(t.start, t.end))}@${t.start}` };
  }
  const at = rng.int(text.length + 1);
  const b = rng.pick(BRACKETS);
  return { text: splice(text, at, at, b), what: `insert-bracket ${show(b)}@${at}` };
};

/** Characters that trip decoders and line counters: a lone surrogate, NUL, BOM, CR, LS/PS, zero-width space, an astral character. */
const ODD = ['\uD800', '\uDFFF', '\u0000', '\uFEFF', '\r', '\r\n', '\u2028', '\u2029', '\u200B', '\u{1F600}', '\\', '\\u{', '#!', '@', '\u00e9'];

/**
 * Random bytes decoded as the Host decodes files (UTF-8, invalid sequences become U+FFFD), or
 * an odd character; also a surrogate pair cut in half.
 */
const insertBytes: Mutator = (text, _i, rng) => {
  const at = rng.int(text.length + 1);
  let insert: string;
  let what: string;
  if (rng.chance(0.5)) {
    const bytes = Buffer.from(Array.from({ length: 1 + rng.int(8) }, () => rng.int(256)));
    insert = bytes.toString('utf8');
    what = `bytes ${bytes.toString('hex')}@${at}`;
  } else {
    insert = rng.pick(ODD);
    what = `char ${show(insert)}@${at}`;
  }
  return { text: splice(text, at, at, insert), what };
};

const deleteLines: Mutator = (text, _i, rng) => {
  const starts = lineStarts(text);
  const from = rng.int(starts.length);
  const to = Math.min(starts.length, from + 1 + rng.int(5));
  const end = to < starts.length ? starts[to] : text.length;
  return { text: splice(text, starts[from], end, ''), what: `delete-lines ${from + 1}-${to}` };
};

const duplicateLines: Mutator = (text, _i, rng) => {
  const starts = lineStarts(text);
  const from = rng.int(starts.length);
  const to = Math.min(starts.length, from + 1 + rng.int(5));
  const end = to < starts.length ? starts[to] : text.length;
  const block = text.slice(starts[from], end);
  return { text: splice(text, end, end, block.endsWith('\n') ? block : `\n${block}`), what: `duplicate-lines ${from + 1}-${to}` };
};

/** A few lines of another file of the fixture pasted in (crossover). */
const spliceOther: Mutator = (text, input, rng) => {
  const others = [...input.siblings.keys()].filter((f) => f !== input.file).sort();
  if (!others.length) return duplicateLines(text, input, rng);
  const other = rng.pick(others);
  const src = input.siblings.get(other)!;
  const starts = lineStarts(src);
  const from = rng.int(starts.length);
  const to = Math.min(starts.length, from + 1 + rng.int(8));
  const block = src.slice(starts[from], to < starts.length ? starts[to] : src.length);
  const at = rng.pick(lineStarts(text));
  return { text: splice(text, at, at, block.endsWith('\n') ? block : `${block}\n`), what: `splice ${posix.basename(other)}:${from + 1}-${to} at ${at}` };
};

const INSTANCE_CALL = /\b([A-Za-z_$][\w$]*)\s*\.\s*(?:register|get|post|put|delete|patch|route|decorate\w*|addHook|after)\s*\(/g;

/** Where to add a statement and with which instance: after a line that calls an instance method, else at the end. */
function instanceSite(text: string, rng: Rng): { at: number; instance: string } {
  const calls = [...text.matchAll(INSTANCE_CALL)];
  if (!calls.length) return { at: text.length, instance: rng.pick(['fastify', 'app', 'server']) };
  const m = rng.pick(calls);
  const nl = text.indexOf('\n', m.index!);
  return { at: nl < 0 ? text.length : nl + 1, instance: m[1] };
}

const relSpecifier = (from: string, to: string, keepExt: boolean) => {
  let rel = posix.relative(posix.dirname(from), to);
  if (!keepExt) rel = rel.replace(/\.(?:[cm]?[jt]s)$/, '');
  return rel.startsWith('.') ? rel : `./${rel}`;
};

/** The file registers itself (require, import(), a static import, or autoload of its own folder). */
const registerSelf: Mutator = (text, input, rng) => {
  const { at, instance } = instanceSite(text, rng);
  const spec = relSpecifier(input.file, input.file, rng.chance(0.5));
  const statement = rng.pick([
    `${instance}.register(require('${spec}'))`,
    `${instance}.register(require('${spec}'), { prefix: '/again' })`,
    `${instance}.register(import('${spec}'))`,
    `${instance}.register(require('@fastify/autoload'), { dir: __dirname })`,
    `${instance}.register(require('fastify-plugin')(require('${spec}')))`,
    `${instance}.register(module.exports)`,
  ]);
  const inserted = rng.chance(0.2) ? `import selfAgain from '${spec}'\n${instance}.register(selfAgain)\n` : `${statement}\n`;
  return { text: splice(text, at, at, inserted), what: `register-self ${show(inserted.trim())}@${at}` };
};

/** The file registers a file that loads it (a parent), making a register cycle. */
const registerParent: Mutator = (text, input, rng) => {
  const stem = posix.basename(input.file).replace(/\.[^.]+$/, '');
  const parents = [...input.siblings.keys()].filter((f) => f !== input.file && /\.[cm]?[jt]s$/.test(f) && input.siblings.get(f)!.includes(stem)).sort();
  if (!parents.length) return registerSelf(text, input, rng);
  const parent = rng.pick(parents);
  const { at, instance } = instanceSite(text, rng);
  const statement = `${instance}.register(require('${relSpecifier(input.file, parent, rng.chance(0.5))}'))\n`;
  return { text: splice(text, at, at, statement), what: `register-parent ${show(statement.trim())}@${at}` };
};

const empty: Mutator = () => ({ text: '', what: 'empty' });

const CODE = /\.(?:[cm]?[jt]sx?)$/;

const TEXT_MUTATORS: [Mutator, number][] = [
  [truncate, 3],
  [deleteToken, 4],
  [duplicateToken, 3],
  [swapTokens, 3],
  [replaceToken, 3],
  [unbalance, 4],
  [insertBytes, 3],
  [deleteLines, 2],
  [duplicateLines, 2],
  [spliceOther, 2],
  [empty, 0.2],
];
const CODE_MUTATORS: [Mutator, number][] = [...TEXT_MUTATORS, [registerSelf, 3], [registerParent, 3]];

function pickWeighted(items: [Mutator, number][], rng: Rng): Mutator {
  const total = items.reduce((s, [, w]) => s + w, 0);
  let r = rng.next() * total;
  for (const [m, w] of items) if ((r -= w) < 0) return m;
  return items[items.length - 1][0];
}

/** One to three mutations of the file, chosen by `rng`. */
export function mutate(input: MutationInput, rng: Rng): Mutated {
  const table = CODE.test(input.file) ? CODE_MUTATORS : TEXT_MUTATORS;
  const count = rng.chance(0.6) ? 1 : rng.chance(0.6) ? 2 : 3;
  let text = input.text;
  const whats: string[] = [];
  for (let i = 0; i < count; i++) {
    const r = pickWeighted(table, rng)(text, input, rng);
    text = r.text;
    whats.push(r.what);
  }
  return { text, description: whats.join('; ') };
}
