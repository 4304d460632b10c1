import { ts } from 'ts-morph';
import type { Span } from '../model';
import type { Project } from '../workspace/scan';
import type { Linker } from './linker';
import { Scope } from './scope';
import type { Evaluation } from './replay/kept-modules';
import { stamp } from './replay/ownership';
import { UNDEF, obj, type ObjValue, type Value } from './values';

/** One source file as a module: its scope and exports while the interpreter evaluates it. */
export class ModuleRecord {
  /** `kept`: taken from the link before, evaluated there; taken up (`done`) where this link evaluates it (replay/kept-modules.ts). */
  state: 'new' | 'evaluating' | 'done' | 'kept' = 'new';
  /** What its top level did besides making its values, when it may be kept for the next link. */
  evaluation: Evaluation | undefined;
  /** Why it may not be kept (its evaluation did something else the link keeps, or another module marked its functions). */
  unkeepable: string | undefined;
  /** Files it imports, resolved so far (JSON modules included): what its values and the runs calling it depend on. */
  readonly imports = new Set<string>();
  /** Its module resolutions (`resolutionOf` → resolved), checked again when files come or go. */
  readonly resolutions = new Map<string, string>();
  readonly scope: Scope;
  /** CommonJS `module` object; `module.exports` lives in its props. */
  readonly moduleObj: ObjValue;
  /** ES exports as live getters. */
  readonly esmExports = new Map<string, () => Value>();
  readonly starExports: (() => ModuleRecord | undefined)[] = [];
  /** True when the file uses import/export syntax. */
  readonly esm: boolean;
  /** The spans of its functions registered as plugins (`pluginSpan`): a kept module's plugins are registered again by every link. */
  private pluginSpans: Map<ts.Node, Span> | undefined;

  constructor(
    readonly path: string,
    readonly sf: ts.SourceFile,
    /** Its project in the scan of the link using it (a kept module's is set again). */
    public project: Project | undefined,
    /** The linker its imports resolve through: the one using it (a kept module's is set again; none between links). */
    public linker: Linker | undefined,
  ) {
    this.scope = new Scope(undefined, this);
    this.moduleObj = obj();
    this.moduleObj.props.set('exports', obj());
    // `export =` (TypeScript's CommonJS export) makes module.exports the module's value.
    const exportEquals = sf.statements.some((s) => ts.isExportAssignment(s) && s.isExportEquals);
    this.esm = !exportEquals && sf.statements.some(
      (s) =>
        ts.isImportDeclaration(s) ||
        ts.isExportDeclaration(s) ||
        ts.isExportAssignment(s) ||
        (ts.canHaveModifiers(s) && (ts.getModifiers(s) ?? []).some((m) => m.kind === ts.SyntaxKind.ExportKeyword)),
    );
  }

  /** The span of `node`, one of its functions registered as a plugin (`make` gives it the first time). */
  pluginSpan(node: ts.Node, make: () => Span): Span {
    const spans = (this.pluginSpans ??= new Map());
    let span = spans.get(node);
    if (!span) spans.set(node, (span = make()));
    return span;
  }

  /** Its scope and module objects count as made by its evaluation, which begins now (replay/ownership.ts). */
  adopt(): void {
    const now = stamp();
    this.scope.born = now;
    this.moduleObj.born = now;
    const ex = this.moduleObj.props.get('exports');
    if (ex?.kind === 'obj') ex.born = now;
  }

  get cjsExports(): Value {
    return this.moduleObj.props.get('exports') ?? UNDEF;
  }

  /** One export by name, following `export *` (cycle-safe). */
  getExport(name: string, seen = new Set<ModuleRecord>()): Value | undefined {
    if (seen.has(this)) return undefined;
    seen.add(this);
    if (!this.esm) {
      const ex = this.cjsExports;
      if (name === 'default') {
        if (ex.kind === 'obj' && ex.props.get('__esModule') && ex.props.has('default')) return ex.props.get('default');
        return ex;
      }
      if (ex.kind === 'obj' || ex.kind === 'fn') return ex.props.get(name) ?? (ex.kind === 'obj' && ex.partial ? undefined : UNDEF);
      return undefined;
    }
    const get = this.esmExports.get(name);
    if (get) return get();
    if (name === 'default') return undefined;
    for (const star of this.starExports) {
      const v = star()?.getExport(name, seen);
      if (v !== undefined) return v;
    }
    return undefined;
  }

  /** What `require()` or `import * as ns` gives. */
  namespace(): Value {
    if (!this.esm) return this.cjsExports;
    const ns = obj();
    ns.namespaceOf = this;
    const collect = (m: ModuleRecord, seen: Set<ModuleRecord>, top: boolean) => {
      if (seen.has(m)) return;
      seen.add(m);
      for (const [k, get] of m.esmExports) if (!ns.props.has(k) && (top || k !== 'default')) ns.props.set(k, get());
      for (const star of m.starExports) {
        const s = star();
        if (s) collect(s, seen, false);
      }
    };
    collect(this, new Set(), true);
    return ns;
  }
}
