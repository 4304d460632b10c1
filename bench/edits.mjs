// The incremental benchmark's edit script: a deterministic list of edits of six kinds, round robin
// (route added, URL changed, prefix changed, decorator removed, file added, file deleted), each on
// a file no other edit touches, chosen from what the generator says it wrote (`edits` of
// buildWorkspace). `applyEdit` performs one on disk and returns the Analyzer change for it;
// `applyUndoableEdit` also returns how to put the file back as it was.
import { cpSync, existsSync, realpathSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { INSERT_MARKER, prng } from './generate.mjs';

export const EDIT_KINDS = ['route-added', 'url-changed', 'prefix-changed', 'decorator-removed', 'file-added', 'file-deleted'];

function shuffled(xs, rand) {
  const a = [...xs];
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [a[i], a[j]] = [a[j], a[i]];
  }
  return a;
}

/** `count` edits (fewer if the workspace runs out of targets), kinds in turn. */
export function editScript(targets, { count = 54, seed = 11 } = {}) {
  const rand = prng(seed);
  const used = new Set();
  const pools = {
    // Deleting a folder's index file would change which files autoload loads: kept out.
    'route-added': shuffled(targets.routeFiles, rand),
    'url-changed': shuffled(targets.routeFiles.filter((t) => t.baseLine), rand),
    'prefix-changed': shuffled(targets.prefixLines, rand),
    'decorator-removed': shuffled(targets.decoratorLines, rand),
    'file-deleted': shuffled(targets.routeFiles.filter((t) => t.baseLine && !t.index), rand),
  };
  const next = (kind) => {
    const pool = pools[kind];
    while (pool.length) {
      const t = pool.pop();
      if (!used.has(t.file)) return used.add(t.file), t;
    }
    return undefined;
  };
  const script = [];
  for (let k = 0; script.length < count; k++) {
    const before = script.length;
    for (const kind of EDIT_KINDS) {
      if (script.length >= count) break;
      const id = script.length;
      if (kind === 'file-added') {
        const folder = targets.routeFolders[Math.floor(rand() * targets.routeFolders.length)];
        script.push({ kind, file: `${folder}/added-${id}.js`, text: addedFile(id) });
        continue;
      }
      const t = next(kind);
      if (!t) continue;
      if (kind === 'route-added') script.push({ kind, file: t.file, find: INSERT_MARKER, replace: `  fastify.get('/added-${id}', async () => ({ added: ${id} }))\n${INSERT_MARKER}` });
      if (kind === 'url-changed') script.push({ kind, file: t.file, find: t.baseLine, replace: t.baseLine.replace(/'$/, `-v${id}'`) });
      if (kind === 'prefix-changed') script.push({ kind, file: t.file, find: t.line, replace: t.line.replace(/prefix: '([^']*)'/, `prefix: '$1-v${id}'`) });
      if (kind === 'decorator-removed') script.push({ kind, file: t.file, find: `${t.line}\n`, replace: '' });
      if (kind === 'file-deleted') script.push({ kind, file: t.file, delete: true });
    }
    if (script.length === before) break;
  }
  return script;
}

function addedFile(id) {
  return [
    "'use strict'", '', `const BASE = '/added-file-${id}'`, '',
    'module.exports = async function (fastify, opts) {',
    '  fastify.get(BASE, async () => ({ ok: true }))',
    "  fastify.post(`${BASE}/:id`, { schema: { body: { $ref: 'shared-0#' } } }, async (request) => request.body)",
    '}', '',
  ].join('\n');
}

/** Performs one edit in the workspace at `root` and returns the change to give the Analyzer. */
export function applyEdit(root, edit) {
  const file = join(root, edit.file);
  if (edit.delete) {
    unlinkSync(file);
    return { file };
  }
  if (edit.text !== undefined) {
    writeFileSync(file, edit.text);
    return { file, text: edit.text };
  }
  const before = readFileSync(file, 'utf8');
  const at = before.indexOf(edit.find);
  if (at < 0 || before.indexOf(edit.find, at + 1) >= 0) throw new Error(`edit ${edit.kind}: '${edit.find.trim()}' is not in ${edit.file} exactly once`);
  const text = before.slice(0, at) + edit.replace + before.slice(at + edit.find.length);
  writeFileSync(file, text);
  return { file, text };
}

/** `applyEdit`, and `undo()`: puts the file back as it was (writes its old text, or deletes the file it added) and returns the change for that. */
export function applyUndoableEdit(root, edit) {
  const file = join(root, edit.file);
  const before = existsSync(file) ? readFileSync(file, 'utf8') : undefined;
  const change = applyEdit(root, edit);
  const undo = () => {
    if (before === undefined) {
      unlinkSync(file);
      return { file };
    }
    writeFileSync(file, before);
    return { file, text: before };
  };
  return { change, undo };
}

/** A fresh copy of the workspace `dir` at `scratch`, for a run that edits it. */
export function freshCopy(dir, scratch) {
  rmSync(scratch, { recursive: true, force: true });
  // A workspace that is a link (a worktree's bench/.work) is copied, not linked: edits must never reach the original.
  cpSync(realpathSync(dir), scratch, { recursive: true });
}
