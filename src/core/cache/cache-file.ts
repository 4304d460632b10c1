import { createHash, randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Decoder, Encoder } from 'cbor-x';
import type { WorkspaceGraph } from '../model';
import { isHostInputs, type HostInputs } from './recording-host';

/** Bumped when the layout of a cache file changes. */
export const CACHE_FORMAT = 2;
/** What a cache file begins with (format 1 files were `v8.serialize` output, which begins with 0xff). */
const MAGIC = Buffer.from('fastify-lens cache\n', 'latin1');
/** A cache file larger than this is neither written nor read. */
export const MAX_CACHE_BYTES = 256 * 1024 * 1024;
/** Cache files kept in one folder (one per workspace root and options); the oldest go first. */
export const MAX_CACHE_FILES = 24;

const CACHE_NAME = /^[0-9a-f]{32}\.cache$/;

/**
 * One cache file: a full analysis and every input it read, as CBOR (cbor-x, `CODEC`) after
 * `MAGIC`: plain data only — it cannot hold functions or anything that runs — with shared
 * objects and `undefined` properties kept as the analysis made them (cbor-x's structured clone).
 * Each object shape is written once (records) and each repeated string once (packed strings): a
 * graph repeats a few shapes and strings (span file paths, rule ids, kinds) hundreds of thousands
 * of times. At 10,000 files this reads in about half the time of `v8.deserialize` (the format
 * before), in under a third of the bytes (ARCHITECTURE.md "Warm start").
 */
export interface CacheRecord {
  format: number;
  analyser: string;
  root: string;
  /** The analysis options, as a canonical JSON text. */
  options: string;
  inputs: HostInputs;
  graph: WorkspaceGraph;
  /** The rules' results on this graph, for one choice of severities (`key`). */
  rules?: { key: string; result: unknown };
}

/** The file of a workspace root and its options in `dir` (a hash: no path of the workspace in the name). */
export function cacheFileOf(dir: string, root: string, options: string): string {
  return path.join(dir, `${createHash('sha256').update(`${root}\0${options}`).digest('hex').slice(0, 32)}.cache`);
}

/** cbor-x's options, the same both ways (a new encoder or decoder per file: records stay within it). */
const CODEC = { structuredClone: true, useRecords: true, pack: true } as const;

/** The bytes of a cache file for `record`. */
export function encodeCacheRecord(record: CacheRecord): Buffer {
  return Buffer.concat([MAGIC, new Encoder(CODEC).encode(record)]);
}

const hasHeader = (bytes: Buffer) => bytes.subarray(0, MAGIC.length).equals(MAGIC);

/** The value in a cache file's bytes; throws when they are not one (`readCacheFile` says why it is unusable). */
export function decodeCacheRecord(bytes: Buffer): unknown {
  if (!hasHeader(bytes)) throw new Error('not a cache file');
  return new Decoder(CODEC).decode(bytes.subarray(MAGIC.length));
}

/**
 * Reads a cache file as untrusted data: a read error, a wrong shape, another format, analyser,
 * root or options make it unusable (the reason is returned). Nothing in it is ever run (cbor-x
 * compiles a reader for an object shape it meets often from the shape's key names, each an
 * identifier or quoted by `JSON.stringify`, and `__proto__` renamed: the code only reads values).
 */
export function readCacheFile(file: string, expect: { analyser: string; root: string; options: string }): CacheRecord | { unusable: string } {
  let bytes: Buffer;
  try {
    const size = fs.statSync(file).size;
    if (size > MAX_CACHE_BYTES) return { unusable: `too large (${size} bytes)` };
    bytes = fs.readFileSync(file);
  } catch (e) {
    return { unusable: (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'none yet' : `unreadable (${(e as Error).message})` };
  }
  // A file of the format before (v8.serialize) is replaced like one of another analyser version.
  if (!hasHeader(bytes)) return { unusable: bytes[0] === 0xff ? 'another cache format (1)' : 'corrupt (not a cache file)' };
  let value: unknown;
  try {
    value = decodeCacheRecord(bytes);
  } catch {
    return { unusable: 'corrupt (not readable data)' };
  }
  if (!value || typeof value !== 'object') return { unusable: 'corrupt (not an object)' };
  const r = value as Partial<CacheRecord>;
  if (r.format !== CACHE_FORMAT) return { unusable: `another cache format (${String(r.format)})` };
  if (r.analyser !== expect.analyser) return { unusable: 'written by another analyser version' };
  if (r.root !== expect.root || r.options !== expect.options) return { unusable: 'of another folder or options' };
  if (!isHostInputs(r.inputs)) return { unusable: 'corrupt (inputs)' };
  if (!isGraphShape(r.graph, expect.root)) return { unusable: 'corrupt (graph)' };
  if (r.rules !== undefined && (!r.rules || typeof r.rules !== 'object' || typeof r.rules.key !== 'string')) return { unusable: 'corrupt (rules)' };
  return r as CacheRecord;
}

function isGraphShape(g: unknown, root: string): g is WorkspaceGraph {
  if (!g || typeof g !== 'object') return false;
  const x = g as Record<string, unknown>;
  return x.root === root && typeof x.files === 'number' && Array.isArray(x.apps) && Array.isArray(x.unresolved) && Array.isArray(x.testCalls);
}

/**
 * Writes the record atomically (a temporary file renamed over the old one), skips one too large,
 * and removes the oldest cache files past `MAX_CACHE_FILES`. Returns why it could not write, never throws.
 */
export function writeCacheFile(file: string, record: CacheRecord): string | undefined {
  let bytes: Buffer;
  try {
    bytes = encodeCacheRecord(record);
  } catch (e) {
    return `not written: ${(e as Error).message}`;
  }
  if (bytes.length > MAX_CACHE_BYTES) return `not written: ${bytes.length} bytes is over the limit`;
  const dir = path.dirname(file);
  const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(tmp, bytes);
    fs.renameSync(tmp, file);
  } catch (e) {
    try {
      fs.rmSync(tmp, { force: true });
    } catch {
      // nothing more to do
    }
    return `not written to ${dir}: ${(e as Error).message}`;
  }
  prune(dir);
  return undefined;
}

function prune(dir: string): void {
  try {
    const files = fs.readdirSync(dir).filter((n) => CACHE_NAME.test(n));
    if (files.length <= MAX_CACHE_FILES) return;
    const aged = files.map((n) => ({ p: path.join(dir, n), t: fs.statSync(path.join(dir, n)).mtimeMs })).sort((a, b) => a.t - b.t);
    for (const f of aged.slice(0, aged.length - MAX_CACHE_FILES)) fs.rmSync(f.p, { force: true });
  } catch {
    // pruning is best effort
  }
}
