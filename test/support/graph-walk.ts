import type { Context, WorkspaceGraph } from '../../src/core/model';

/** Every context of every app of a graph, parents before children. */
export function allContexts(g: WorkspaceGraph): Context[] {
  const out: Context[] = [];
  const walk = (c: Context) => {
    out.push(c);
    c.children.forEach(walk);
  };
  g.apps.forEach((a) => walk(a.root));
  return out;
}
