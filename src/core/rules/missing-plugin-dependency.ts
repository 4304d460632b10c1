import { isBuiltinMember } from '../fastify-members';
import type { Context, MergedPlugin } from '../model';
import { contextPaths, orderIn, silencedByUncertainty, walkContexts } from './rule-utils';
import type { Rule, RuleFinding } from './types';

const TARGET_OF = { fastify: 'instance', request: 'request', reply: 'reply' } as const;

/**
 * fastify-plugin metadata checked when the plugin loads (`lib/plugin-utils.js` `registerPlugin`),
 * against the instance it is registered on: every `dependencies` name must be a plugin name
 * registered before it there or on an ancestor (FST_ERR_PLUGIN_DEPENDENCY_NOT_REGISTERED on
 * Fastify 5.9+, an AssertionError before), every `decorators` name a decorator present there
 * (FST_ERR_PLUGIN_NOT_PRESENT_IN_INSTANCE).
 *
 * Silent for a whole app when its project has an unresolved entry that could hide a plugin or a
 * decorator (a plugin from a package that is not analysed, a register or a decorator name not
 * known statically, a module not found…) or a registered plugin from a package whose fastify-plugin
 * name is not known. Only plugins that run on the registering instance (fastify-plugin without
 * `encapsulate: true`) are checked. A conditionally registered provider counts as present.
 */
export const missingPluginDependency: Rule = {
  id: 'missing-plugin-dependency',
  summary: 'fastify-plugin `dependencies`/`decorators` naming a plugin or decorator not registered before it in a visible context',
  why: 'Fastify checks the metadata when the plugin loads and refuses to start: FST_ERR_PLUGIN_DEPENDENCY_NOT_REGISTERED (an AssertionError before Fastify 5.9) or FST_ERR_PLUGIN_NOT_PRESENT_IN_INSTANCE.',
  wrong: "app.register(fp(routes, { dependencies: ['db'] }))\napp.register(fp(db, { name: 'db' }))",
  right: "app.register(fp(db, { name: 'db' }))\napp.register(fp(routes, { dependencies: ['db'] }))",
  defaultSeverity: 'error',
  check({ graph, note }) {
    const out: RuleFinding[] = [];
    for (const app of graph.apps) {
      if (silencedByUncertainty(graph, app, note, 'a plugin or decorator it depends on')) continue;
      let unknownNames = false;
      walkContexts(app, (ctx) => {
        if (ctx.kind === 'external' || ctx.plugins.some((p) => p.external && !p.meta?.name)) unknownNames = true;
      });
      const paths = contextPaths(app);
      walkContexts(app, (ctx) => {
        const chain = paths.get(ctx.id) ?? [ctx];
        for (const plugin of ctx.plugins) {
          const meta = plugin.meta;
          if (!meta) continue;
          const label = meta.name ? `'${meta.name}'` : 'this fastify-plugin plugin';
          if (!unknownNames) {
            for (const dep of meta.dependencies ?? []) {
              if (dep === meta.name || registeredBefore(chain, plugin, dep)) continue;
              const later = laterSomewhere(app.root, dep);
              out.push({
                message: `plugin ${label} depends on '${dep}', ${later ? `which is registered only after it or in a context it cannot see (line ${later.span.line})` : 'which is not registered before it in this context or a parent'}: Fastify refuses to load it (FST_ERR_PLUGIN_DEPENDENCY_NOT_REGISTERED; an AssertionError before Fastify 5.9)`,
                span: plugin.span,
                ...(later ? { related: [{ message: `'${dep}' registered here`, span: later.span }] } : {}),
              });
            }
          }
          for (const key of ['fastify', 'request', 'reply'] as const) {
            const target = TARGET_OF[key];
            for (const name of meta.decorators?.[key] ?? []) {
              if (isBuiltinMember(target, name)) continue;
              if (chain.some((c, i) => c.decorators.some((d) => d.target === target && d.name === name && d.order < orderIn(chain, i, plugin.order)))) continue;
              const what = target === 'instance' ? 'instance' : target;
              out.push({
                message: `plugin ${label} requires the ${what} decorator '${name}', not decorated before it in this context or a parent: Fastify refuses to load it (FST_ERR_PLUGIN_NOT_PRESENT_IN_INSTANCE)`,
                span: plugin.span,
              });
            }
          }
        }
      });
    }
    return out;
  },
};

/** A plugin name registered before `plugin` on its instance or an ancestor (encapsulated fastify-plugin children count whatever their order). */
function registeredBefore(chain: readonly Context[], plugin: MergedPlugin, name: string): boolean {
  return chain.some(
    (c, i) => c.plugins.some((p) => p !== plugin && p.order < orderIn(chain, i, plugin.order) && (p.meta?.name ?? p.external) === name) || c.children.some((child) => child.meta?.name === name),
  );
}

/** Where a plugin of that name is registered anyway (after it, or in a context it cannot see), for the message. */
function laterSomewhere(root: Context, name: string): { span: MergedPlugin['span'] } | undefined {
  let found: { span: MergedPlugin['span'] } | undefined;
  const walk = (ctx: Context) => {
    for (const p of ctx.plugins) if (!found && (p.meta?.name ?? p.external) === name) found = { span: p.span };
    for (const child of ctx.children) walk(child);
  };
  walk(root);
  return found;
}
