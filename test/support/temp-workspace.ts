import * as fs from 'node:fs';
import * as path from 'node:path';

const ROOT = path.join(__dirname, '..', '.tmp');

/** Writes a small workspace under test/.tmp/<name> (gitignored) from a map of relative paths to contents. */
export function writeWorkspace(name: string, files: Record<string, string | Buffer>): string {
  const dir = path.join(ROOT, name);
  fs.rmSync(dir, { recursive: true, force: true });
  for (const [rel, content] of Object.entries(files)) {
    const p = path.join(dir, rel);
    fs.mkdirSync(path.dirname(p), { recursive: true });
    fs.writeFileSync(p, content);
  }
  return fs.realpathSync(dir);
}

export const FASTIFY_PACKAGE = JSON.stringify({ name: 'tmp-app', dependencies: { fastify: '^5.0.0', 'fastify-plugin': '^5.0.0', '@fastify/autoload': '^6.0.0' } });

/**
 * Fails when the analysis hit an internal error (an exception inside the analyser, reported as an
 * unresolved entry "internal error …"): bad input must give reasons, never an analyser failure.
 */
export function assertNoInternalError(graph: { unresolved: { reason: string; file?: string; span?: { file: string; line: number } }[] }, what = 'the analysis'): void {
  const internal = graph.unresolved.filter((u) => /internal error/i.test(u.reason));
  if (internal.length) {
    const where = (u: (typeof internal)[number]) => (u.span ? `${u.span.file}:${u.span.line}` : (u.file ?? '?'));
    throw new Error(`${what} hit internal errors:\n${internal.map((u) => `  ${where(u)}  ${u.reason}`).join('\n')}`);
  }
}

/** The environment for running the CLI in tests: its warm-start cache under test/.tmp, never the user's. */
export const CLI_ENV = { ...process.env, FASTIFY_LENS_CACHE_DIR: path.join(ROOT, 'cli-cache') };
