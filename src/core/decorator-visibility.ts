import type { Context, Decorator, DecoratorTarget } from './model';

/**
 * Fastify's decorator encapsulation, on the graph: code running in a context sees the decorators
 * of that context and of its ancestors, never a child's or a sibling's. fastify-plugin plugins
 * need no special case: their decorators are already in the context that registered them.
 * `chain` is the contexts from the app's root down to the one the code runs in.
 */
export function visibleDecorators(chain: readonly Context[], name: string, target?: DecoratorTarget): { context: Context; decorator: Decorator }[] {
  const out: { context: Context; decorator: Decorator }[] = [];
  for (const context of chain) for (const decorator of context.decorators) if (decorator.name === name && (!target || decorator.target === target)) out.push({ context, decorator });
  return out;
}

/**
 * For code that runs in several contexts (a plugin registered more than once), which of them
 * see a decorator of `name`: indexes into `chains` (one chain per registration).
 */
export function visibilityAcross(chains: readonly (readonly Context[])[], name: string, target?: DecoratorTarget): { visible: number[]; hidden: number[] } {
  const visible: number[] = [];
  const hidden: number[] = [];
  chains.forEach((chain, i) => (visibleDecorators(chain, name, target).length ? visible : hidden).push(i));
  return { visible, hidden };
}
