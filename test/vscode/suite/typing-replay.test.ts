/**
 * Scenario "typing-replay": a copy of the fastify-cli fixture (test/fixtures/cli-autoload-js).
 * One route file is deleted in a real editor and typed back chunk by chunk, then a block of it is
 * cut and pasted back (the steps of the Node typing simulation, test/support/typing-steps.ts),
 * through real editor edits: the extension's `updateOn: type` path (debounced unsaved-buffer
 * updates to the worker) runs as it does for a user. Every few steps the views are compared with a
 * cold analysis of the same half-typed text by the CLI; at the end the views equal the ones before
 * the replay, before and after Refresh and Save. What it saw (steps, checkpoints, route counts,
 * updates, where the time went) is left in test/.tmp/vscode/typing-replay/typing-replay.json.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { FastifyLensApi } from '../../../src/extension/extension';
import { typingSteps, type TypingStep } from '../../support/typing-steps';
import { cliAnalysis, codeLensTitles, eventually, fileIn, harness, lens, lensLog, sleep, viewRoutes, viewUnresolved } from './support';

/** The file typed: six route declarations (a schema, a route table, a helper, a prefixed child plugin), 602 characters. */
const FILE = 'routes/users/index.js';
/** The text deleted, typed back in 75 steps of 8 characters and a last one, cut and pasted back: 79 edits. */
const STEPS = 76;
/** Every this many typing steps the test waits for the worker's answer and compares the views with the CLI. */
const CHECK_EVERY = 8;
/**
 * The pause after each other step, in turn: a burst of fast typing (edits well inside the 300 ms
 * debounce, so they are merged), then a pause longer than the debounce (an update starts while
 * the next edits arrive).
 */
const PAUSES = [15, 15, 15, 400];

/** What the views and the file's CodeLens show, as plain data. */
interface Views {
  plugins: unknown;
  routes: unknown;
  lenses: string[];
}

async function views(api: FastifyLensApi, file: string): Promise<Views> {
  return { plugins: JSON.parse(JSON.stringify(api.pluginsRows())), routes: JSON.parse(JSON.stringify(api.routesRows())), lenses: await codeLensTitles(file) };
}

/** Lines of the output channel's log matching `re` (none where the log cannot be read). */
function logLines(re: RegExp): string[] {
  return (lensLog() ?? '').split('\n').filter((l) => re.test(l));
}

/** One look at the Routes view during the replay. */
interface Sample {
  step: number;
  what: string;
  /** Whether the test waited for the worker before looking (a checkpoint) or looked while typing went on. */
  waited: boolean;
  /** Routes of the typed file, and of the whole folder, in the Routes view. */
  fileRoutes: number;
  routes: number;
  /** The typed file's routes and the Unresolved list (parse errors move as the text grows), joined. */
  view: string;
}

describe('Fastify Lens while a route file is typed in a real editor', function () {
  this.timeout(120_000);
  let api: FastifyLensApi;
  let root: string;
  let file: string;
  let original: string;
  let baseline: Views;
  let steps: TypingStep[];
  const samples: Sample[] = [];
  /** The typed file's routes in the Routes view before the replay. */
  let full: number;
  /** Whether a `METHOD url file:line` route is declared in the typed file. */
  const ofFile = (r: string) => r.slice(r.lastIndexOf(' ') + 1).startsWith(`${FILE}:`);

  before(async () => {
    // VS Code for the web (code-server) saves files a second after the last edit by default
    // (`files.autoSave: afterDelay`), the desktop does not: the replay is about unsaved buffers.
    await vscode.workspace.getConfiguration('files').update('autoSave', 'off', vscode.ConfigurationTarget.Global);
  });

  it('starts from the fresh index: the views equal a cold analysis by the CLI', async () => {
    api = await lens();
    root = fs.realpathSync(fileIn('.'));
    file = fileIn(FILE);
    original = fs.readFileSync(file, 'utf8');
    steps = typingSteps(original, STEPS);
    baseline = await views(api, file);
    const cli = await cliAnalysis(fileIn('.'));
    assert.deepEqual(viewRoutes(api.routesRows(), root), cli.routes);
    assert.deepEqual(viewUnresolved(api.pluginsRows()), cli.unresolved);
    full = cli.routes.filter(ofFile).length;
    assert.equal(full, 7, 'GET, POST, PUT, DELETE, PATCH, GET /m/list, GET /inner/deep');
    assert.ok(baseline.lenses.length >= 7, baseline.lenses.join('\n'));
  });

  it('types the file back in chunks and cuts and pastes a block: at every pause the views equal a cold analysis of the unsaved text', async () => {
    const started = Date.now();
    const doc = await vscode.workspace.openTextDocument(file);
    const editor = await vscode.window.showTextDocument(doc);
    // At each checkpoint the CLI analyses a copy of the folder holding the half-typed text (the
    // editor's buffer is not on disk), in a process of its own while the typing goes on; the
    // views seen then are compared with its answer at the end.
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'typing-replay-'));
    const fresh: { where: string; routes: string[]; unresolved: string[]; cli: Promise<{ routes: string[]; unresolved: string[] }> }[] = [];
    const others = viewRoutes(api.routesRows(), root).filter((r) => !ofFile(r));
    /** Where the time went: applying edits, waiting for the worker at checkpoints, pauses between edits. */
    const ms = { edits: 0, waits: 0, pauses: 0 };
    const timed = async <T>(k: keyof typeof ms, p: PromiseLike<T>): Promise<T> => {
      const t = Date.now();
      const r = await p;
      ms[k] += Date.now() - t;
      return r;
    };
    try {
      for (const [i, s] of steps.entries()) {
        const range = new vscode.Range(doc.positionAt(s.change.offset), doc.positionAt(s.change.offset + s.change.deleteCount));
        if (s.phase === 'typing') {
          // Typing: the editor's own edit, as keystrokes and IME input arrive.
          assert.ok(await timed('edits', editor.edit((b) => (range.isEmpty ? b.insert(range.start, s.change.insert) : b.replace(range, s.change.insert)))), s.what);
        } else {
          // Cut and paste: a workspace edit, as clipboard commands make.
          const edit = new vscode.WorkspaceEdit();
          edit.replace(doc.uri, range, s.change.insert);
          assert.ok(await timed('edits', vscode.workspace.applyEdit(edit)), s.what);
        }
        assert.equal(doc.getText(), s.text, `the editor holds the text after ${s.what}`);
        assert.ok(doc.isDirty, 'the edits are not saved');
        const checkpoint = s.phase !== 'typing' || i % CHECK_EVERY === 0 || steps[i + 1]?.phase !== 'typing';
        if (checkpoint) await timed('waits', api.whenIdle());
        const routes = viewRoutes(api.routesRows(), root);
        const unresolved = viewUnresolved(api.pluginsRows());
        const where = `after ${s.what} (step ${i + 1} of ${steps.length})`;
        // Partial results at every step, waited for or not: the rest of the app stays, nothing is an internal error.
        assert.deepEqual(routes.filter((r) => !ofFile(r)), others, `the other files' routes stay ${where}`);
        assert.deepEqual(unresolved.filter((u) => /internal error/i.test(u)), [], `no internal error ${where}`);
        samples.push({ step: i, what: s.what, waited: checkpoint, fileRoutes: routes.filter(ofFile).length, routes: routes.length, view: [...routes.filter(ofFile), ...unresolved].join('\n') });
        if (!checkpoint) {
          await timed('pauses', sleep(PAUSES[i % PAUSES.length]));
          continue;
        }
        assert.equal(fs.readFileSync(file, 'utf8'), original, 'the file on disk is untouched: the views follow the buffer');
        const copy = path.join(tmp, String(i));
        fs.cpSync(root, copy, { recursive: true });
        fs.writeFileSync(path.join(copy, FILE), s.text);
        fresh.push({ where, routes, unresolved, cli: cliAnalysis(copy) });
      }
      for (const f of fresh) {
        const cli = await f.cli;
        assert.deepEqual(f.routes, cli.routes, `the Routes view equals a cold analysis ${f.where}`);
        assert.deepEqual(f.unresolved, cli.unresolved, `the Unresolved list equals a cold analysis ${f.where}`);
      }
    } finally {
      await Promise.allSettled(fresh.map((f) => f.cli));
      fs.rmSync(tmp, { recursive: true, force: true });
    }
    // Updates also landed while typing went on: the view changed between two steps the test did not wait on.
    const landed = samples.filter((x, k) => k > 0 && !x.waited && !samples[k - 1].waited && x.view !== samples[k - 1].view);
    const summary = { steps: steps.length, checkpoints: samples.filter((x) => x.waited).length, changedWhileTyping: landed.length, ms: { total: Date.now() - started, ...ms }, samples: samples.map(({ view: _, ...x }) => x) };
    fs.writeFileSync(path.join(path.dirname(harness().results), 'typing-replay.json'), JSON.stringify(summary, null, 2));
    const waited = samples.filter((x) => x.waited);
    const counts = new Set(waited.filter((x) => x.what.startsWith('typing')).map((x) => x.fileRoutes));
    // Not vacuous: the half-typed file gave partial results, several of them, on the way from none to all.
    assert.ok(waited.some((x) => x.fileRoutes === 0), 'the emptied file has no route');
    assert.ok(waited.some((x) => x.fileRoutes > 0 && x.fileRoutes < full), `a half-typed file gives some of its routes: ${waited.map((x) => x.fileRoutes).join(', ')}`);
    assert.ok(counts.size >= 4, `the route count went through several values while typing: ${[...counts].join(', ')}`);
    const cut = waited.find((x) => x.what.startsWith('cutting'))!;
    assert.ok(cut.fileRoutes < full, `the cut removed routes: ${cut.fileRoutes} of ${full}`);
    assert.equal(waited[waited.length - 1].fileRoutes, full);
    assert.ok(landed.length > 0, 'the views changed while the typing went on');
  });

  it('ends where a fresh index ends: the same views and CodeLens, before and after Refresh and Save', async () => {
    const doc = await vscode.workspace.openTextDocument(file);
    assert.equal(doc.getText(), original);
    await api.whenIdle();
    assert.deepEqual(await views(api, file), baseline, 'after the replay (unsaved buffer)');
    // Refresh: a full re-index (answered from the warm-start cache, as users get it), then the open unsaved buffer.
    const indexed = logLines(/\] indexed in /).length;
    await vscode.commands.executeCommand('fastifyLens.refresh');
    await eventually(async () => {
      await api.whenIdle();
      if (lensLog() !== undefined) assert.equal(logLines(/\] indexed in /).length, indexed + 1, 'Refresh indexed the folder again');
      assert.deepEqual(await views(api, file), baseline, 'after Refresh');
    });
    assert.ok(await doc.save());
    assert.equal(fs.readFileSync(file, 'utf8'), original, 'the saved bytes are the original ones');
    await api.whenIdle();
    assert.deepEqual(await views(api, file), baseline, 'after Save');
    assert.deepEqual(viewRoutes(api.routesRows(), root), (await cliAnalysis(root)).routes);
  });

  it('never broke: no error in the output channel, one worker, updates debounced and answered along the way', async function () {
    assert.deepEqual(api.indexedFolders(), [path.basename(root)]);
    const log = lensLog();
    if (log === undefined) return this.skip(); // Electron runs: the log folder is not known
    const lines = log.split('\n');
    // The status bar turns to its error icon only when a folder's state is 'failed', which always
    // logs an error line (a worker that stopped or failed, an analysis that failed, a rule that threw).
    assert.deepEqual(lines.filter((l) => /\[error\]/.test(l)), []);
    // The replay's updates: after the first index, before Refresh's.
    const indexed = lines.flatMap((l, k) => (/\] indexed in /.test(l) ? [k] : []));
    assert.equal(indexed.length, 2, 'the first index and Refresh');
    const updates = lines.slice(indexed[0], indexed[1]).filter((l) => /\] updated in \d+ ms: /.test(l));
    const waited = samples.filter((x) => x.waited).length;
    assert.ok(updates.length > waited, `one update per checkpoint and more between them: ${updates.length} updates, ${waited} checkpoints`);
    assert.ok(updates.length < steps.length, `a burst of edits costs one update, not one per edit: ${updates.length} updates for ${steps.length} edits`);
    const counts = new Set(updates.map((l) => / (\d+) routes, /.exec(l)?.[1]));
    assert.ok(counts.size >= 4, `the updates reported several route counts: ${[...counts].join(', ')}`);
    const file = path.join(path.dirname(harness().results), 'typing-replay.json');
    const summary = JSON.parse(fs.readFileSync(file, 'utf8'));
    fs.writeFileSync(file, JSON.stringify({ ...summary, updates: updates.length, routeCountsInUpdates: [...counts] }, null, 2));
  });
});
