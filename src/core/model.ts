/**
 * The plain-data app graph every feature reads. Serialisable: no AST nodes, no functions.
 * Offsets are UTF-16 code-unit offsets into the file's text; `line` is 1-based.
 */

export interface Span {
  /** Absolute path of the file. */
  file: string;
  start: number;
  end: number;
  /** 1-based line of `start`. */
  line: number;
  /**
   * 0-based [startLine, startCharacter, endLine, endCharacter]: filled in by the extension's worker
   * on the edits of quick fixes only (graphs and findings reach the editor with the files' line
   * starts instead: `src/extension/line-starts.ts`).
   */
  range?: [number, number, number, number];
}

export interface Unresolved {
  span?: Span;
  /** File the entry is about when there is no precise span (unreadable file, folder). */
  file?: string;
  reason: string;
}

export type FastifyMajor = 3 | 4 | 5;

/**
 * A schema's content as plain JSON (objects, arrays, strings, numbers, booleans, null), when it
 * is known statically. `partial` marks content that is not entirely known: a spread of an unknown
 * value, a computed key, a value known only at run time (a function call's result, `undefined`,
 * a TypeBox or other builder object) were left out, or the schema was too big to copy. A rule
 * must never read a partial value as the whole schema. No `value` means nothing is known
 * (then `partial` is set too).
 */
export interface SchemaValue {
  value?: unknown;
  partial?: true;
}

export interface SchemaPart extends SchemaValue {
  /** Where the schema object is defined (the object literal, or the expression when unknown). */
  span: Span;
  /** `$ref` of the part when it is a reference (`{ $ref: 'user#' }`). */
  ref?: string;
}

export interface RouteSchema {
  body?: SchemaPart;
  querystring?: SchemaPart;
  params?: SchemaPart;
  headers?: SchemaPart;
  /** Response status keys, e.g. ["200", "4xx", "default"]. */
  response?: string[];
  /** True when the response object has keys not known statically (a computed key, a spread of a helper's result): `response` lists the known ones. */
  responsePartial?: true;
  responseSpan?: Span;
  /** The schema of each known status key of `response` (same keys as `response`). */
  responseValues?: Record<string, SchemaValue>;
  /** True when the schema object has keys not known statically (an unknown spread): a part missing here may be there. */
  partial?: true;
  /** Where the whole `schema` object is defined. */
  span: Span;
}

export interface RouteHook {
  name: string;
  span: Span;
  /** What the hook function does, when it is a function known statically. */
  body?: BodyFacts;
}

/** What a handler's or hook's own code does, read syntactically from its function (nested callbacks included). */
export interface BodyFacts {
  async: boolean;
  /** Names of the request and reply parameters, when they are plain identifiers. */
  requestParam?: string;
  replyParam?: string;
  /** Property accesses on the request, the reply and `this` (a non-arrow function: the instance): `request.body`, `reply.send(…)`, `this.db`. */
  members: MemberUse[];
  /** `return <value>` statements of the function itself (not of nested functions); an arrow's expression body counts. `return`, `return undefined` and `return void …` are not values. */
  returnsValue: Span[];
  /**
   * `return <value>` statements reached only after a `reply.send(…)` statement (a statement
   * before them in the same or an enclosing block of the function itself, so every path to the
   * return runs it), paired with that send. Returning the reply (`return reply`,
   * `return reply.code(201).send(x)`) is not a value here.
   */
  returnsAfterSend: { ret: Span; send: Span }[];
  /** `console.log/info/warn/error/debug/trace(…)` calls. */
  consoleCalls: Span[];
  /** Calls that block the event loop: `fs.*Sync`, `child_process.*Sync`, `crypto.pbkdf2Sync/scryptSync/…`, `zlib.*Sync`; `name` as written resolved to the module (e.g. 'fs.readFileSync'). */
  blockingCalls: { name: string; span: Span }[];
  /** Nested functions and blocks that declare their own `requestParam` or `replyParam` name: there the name is not the request or reply. */
  shadowed: Span[];
}
export interface MemberUse {
  on: 'request' | 'reply' | 'this';
  name: string;
  /** The property name's span. */
  span: Span;
  /** Present when the member is called: kinds of its arguments, their spans, the whole call's span. */
  call?: { args: ('number' | 'string' | 'object' | 'function' | 'other')[]; argSpans: Span[]; span: Span };
  /** Present when the member is assigned (`reply.sent = true`): the assignment's span. */
  write?: { span: Span };
  /**
   * The sub-properties read from the member's value, each as a path of names: `request.body.user.name`
   * gives [['user', 'name']], `const { name, age } = request.body` gives [['name'], ['age']]. A
   * called last name is a method of the value, not a property (`request.body.items.map(…)` gives
   * [['items']]). Absent when none (the value used as a whole, or through a computed key).
   */
  reads?: string[][];
}

export interface Route {
  /**
   * Unique within its app: the id of the context it is declared in, `:` and its place among that
   * context's routes (numbers local to a context: an edit elsewhere does not move them).
   */
  id: string;
  /** Upper-case methods; `all()` gives ['ALL'] expanded in `expandedMethods`. */
  methods: string[];
  /** The URL as Fastify's onRoute hook reports it (prefix joined with the path). */
  url: string;
  /** Other URLs the router also serves for this declaration (trailing-slash twin, optional-param base). */
  alsoServes: string[];
  /** The path as written in the declaration. */
  path: string;
  /** The prefix of the context at declaration. */
  prefix: string;
  /** False when a part of the URL could not be computed statically (then `url` contains `{?}`). */
  urlKnown: boolean;
  /** True for the HEAD route Fastify adds for every GET (exposeHeadRoutes). */
  implicitHead?: boolean;
  /** Declared under a condition known only at run time (an `if` on process.env, say). */
  conditional?: boolean;
  /** Which shorthand or `route` was used. */
  via: string;
  contextId: string;
  /** The declaring span: the call, or the route object in a route table. */
  span: Span;
  handlerSpan?: Span;
  /** Name of the handler function (its own, or the variable/property holding it), when it has one. */
  handlerName?: string;
  schema?: RouteSchema;
  /** The route options set their own `validatorCompiler` (or, partly unknown, may set one): Fastify's Ajv does not compile its schemas. */
  validatorCompiler?: true;
  /** The route options set their own `serializerCompiler` (or, partly unknown, may set one): fast-json-stringify does not compile its response schemas. */
  serializerCompiler?: true;
  /** The route's `schema` option is there but not known statically (an imported value, a call's result): its parts may be anything. */
  schemaUnknown?: true;
  hooks: RouteHook[];
  /** What the handler does, when it is a function known statically. */
  body?: BodyFacts;
  /** Router constraints (`constraints: { version: '1.0.0', host: /^api/ }`), each value as text. */
  constraints?: Record<string, string>;
  /** A constraint (or the options object holding them) is not known statically. */
  constraintsUnknown?: true;
  /** npm package that declares the route (a modelled plugin such as @fastify/static), not the app's own code. */
  package?: string;
  /**
   * Where the editor can add route options (its "Add hook…"): `object`, the options object literal
   * written for this declaration only (in the call, or its entry of a route table); `before`, a
   * shorthand without options (`app.get(url, handler)`): the handler argument, before which an
   * options object goes. Absent when the options are not written here (a variable, a helper's result).
   */
  optionsAt?: { object: Span } | { before: Span };
}

export type HookStyle = 'async' | 'callback' | 'unknown';

export interface Hook {
  name: string;
  kind: 'lifecycle' | 'application' | 'unknown';
  style: HookStyle;
  /** Declared parameter count of the hook function, when known. */
  params?: number;
  span: Span;
  handlerSpan?: Span;
  /** The name argument when it is a string literal written in the call (for a rename). */
  nameSpan?: Span;
  /** The hook function's shape, when it is written as a function (for fixes). */
  fn?: FunctionShape;
  /**
   * Position among the declarations of the context it is listed in (child contexts included, as
   * `Context.order`), for ordering rules; across contexts, compare with the `order` of the child on
   * the way down (`rules/rule-utils.ts` `declaredBefore`).
   */
  order: number;
  conditional?: boolean;
  /** What the hook function does, when it is a function known statically. */
  body?: BodyFacts;
}

/** What fixes need to know of a function as written: its `async` keyword, parameters and awaits. */
export interface FunctionShape {
  /** The `async` keyword. */
  asyncSpan?: Span;
  /** The runtime parameters (a TypeScript `this` parameter left out), in order. */
  params: FunctionParam[];
  /** The parameter list is in parentheses (an arrow function with one bare parameter is not). */
  parenthesized: boolean;
  /** The body has an `await` (or `for await`) of its own, outside nested functions. */
  awaits: boolean;
}

export interface FunctionParam {
  /** The parameter's name; undefined for a destructuring pattern. */
  name?: string;
  /** The whole parameter (type annotation and default value included). */
  span: Span;
  /** The body mentions the name (a conservative answer: a shadowing local counts too). */
  referenced: boolean;
  /** The body calls it (`done()`, `done(err)`). */
  called: boolean;
}

export type DecoratorTarget = 'instance' | 'request' | 'reply';
export type DecoratorValueKind = 'function' | 'getter' | 'null' | 'primitive' | 'object' | 'array' | 'unknown';

export interface Decorator {
  target: DecoratorTarget;
  name: string;
  valueKind: DecoratorValueKind;
  span: Span;
  /** The value argument as written in the call. */
  valueSpan?: Span;
  /** The statement when the call is one on its own (`app.decorateRequest('x', {})`), from its receiver on. */
  statementSpan?: Span;
  order: number;
  conditional?: boolean;
}

/**
 * A read of a decorator-like member in code that runs in a context: `fastify.x` on the instance
 * parameter of a plugin function the analysis ran there (nested functions included, up to where
 * the name is shadowed), and `request.x` / `reply.x` / `this.x` in the handlers and hooks declared
 * there (from their `BodyFacts.members`); writes are recorded as such. Type positions and Fastify's
 * own members are not recorded. A plugin registered in several contexts records the same span in each.
 */
export interface DecoratorUse {
  target: DecoratorTarget;
  name: string;
  /** The property name. */
  span: Span;
  /**
   * An assignment (`request.user = …`, `fastify.x = …`, `delete …`), not a read: Fastify lets code
   * add properties without decorating, so a member written somewhere may be there undecorated.
   */
  write?: true;
  /**
   * Read in an instance hook (`addHook`): the hook also runs for the routes of child contexts,
   * with their request, reply and `this`, so a child's decorator may be there.
   */
  inHook?: true;
  /**
   * Guarded or optional: `fastify.x?.()`, `typeof fastify.x`, a condition (`if (fastify.x)`,
   * `fastify.x || y`), under `hasDecorator`, or code that runs only under a run-time condition.
   */
  conditional?: true;
}

export interface SharedSchema extends SchemaValue {
  id: string;
  span: Span;
  order: number;
}

export interface ContentTypeParser {
  contentTypes: string[];
  span: Span;
  order: number;
}

export interface PluginMeta {
  name?: string;
  fastify?: string;
  dependencies?: string[];
  decorators?: { fastify?: string[]; request?: string[]; reply?: string[] };
  encapsulate?: boolean;
}

/** A plugin that ran in this context without making a new one (fastify-plugin, or an external package). */
export interface MergedPlugin {
  name: string;
  span: Span;
  pluginSpan?: Span;
  meta?: PluginMeta;
  /** npm package the plugin comes from, when it is not analysed. */
  external?: string;
  order: number;
  conditional?: boolean;
}

/** How the analysis saw a call argument. */
export type ArgKind = 'number' | 'string' | 'boolean' | 'object' | 'array' | 'function' | 'nullish' | 'unknown';

/**
 * A call of an instance method the graph does not model otherwise (`listen`, `hasRoute`,
 * `inject`, `getDefaultRoute`…), for rules about API use.
 */
export interface InstanceCall {
  name: string;
  /** The call, from the method name on. */
  span: Span;
  args: ArgKind[];
  /** The value of each argument that is a string known statically (undefined elsewhere). */
  strings: (string | undefined)[];
  /** Where each argument is written (absent when the arguments came from a spread). */
  argSpans?: Span[];
  conditional?: boolean;
}

export type ContextKind = 'root' | 'plugin' | 'autoload' | 'autohooks' | 'external';

export interface Context {
  /**
   * Unique within its app: '0' for the root, else the parent's id, `.` and a short hash of the
   * child's kind, name and prefix (`~n` for the n-th repeat among its siblings). It depends on the
   * context's place in the tree, not on how many declarations came before it: an edit elsewhere
   * does not move it (`link/context-builder.ts`).
   */
  id: string;
  parentId?: string;
  /** Position among the parent's declarations when it was loaded (0 for the root): see `order` on the items. */
  order: number;
  kind: ContextKind;
  /** Plugin name: fp meta name, function name, or file name. */
  name: string;
  prefix: string;
  prefixKnown: boolean;
  /** The register call (or the fastify() call for a root). */
  span: Span;
  /** The plugin function's definition. */
  pluginSpan?: Span;
  /** File the plugin lives in (autoload and imported plugins). */
  file?: string;
  meta?: PluginMeta;
  /** fastify-plugin with `encapsulate: true`. */
  encapsulatedFp?: boolean;
  /** Registered under a condition known only at run time; everything inside shares it. */
  conditional?: boolean;
  children: Context[];
  plugins: MergedPlugin[];
  routes: Route[];
  hooks: Hook[];
  decorators: Decorator[];
  /** Decorator reads of the code that runs in this context (fastify-plugin bodies: the registering one's); absent when none. */
  decoratorUses?: DecoratorUse[];
  schemas: SharedSchema[];
  errorHandlers: Span[];
  notFoundHandlers: Span[];
  contentTypeParsers: ContentTypeParser[];
  /** Instance method calls made with this context's instance that nothing else records; absent when none. */
  calls?: InstanceCall[];
  /**
   * `setValidatorCompiler()` / `setSchemaController()` calls in this context: its routes and its
   * children's are not compiled by Fastify's default Ajv. Absent when there is none.
   */
  customValidation?: Span[];
}

export interface ServerOptions {
  ignoreTrailingSlash: boolean;
  ignoreDuplicateSlashes: boolean;
  exposeHeadRoutes: boolean;
  caseSensitive: boolean;
  /** How the default validator compiler is set up; absent when the server options leave it at Fastify's defaults. */
  validation?: ValidationSetup;
}

/** What the server options `ajv`, `schemaController` and (Fastify 4) `jsonShorthand` change in request validation. */
export interface ValidationSetup {
  /** `ajv.customOptions`, known statically as plain JSON: merged over @fastify/ajv-compiler's Ajv options. */
  ajvCustomOptions?: Record<string, unknown>;
  /** Fastify 4 `jsonShorthand: false` (no wrapping of shorthand schemas). */
  jsonShorthand?: false;
  /**
   * Why the validator cannot be reproduced statically: a `schemaController`, `ajv.plugins` or
   * `ajv.onCreate`, an `ajv` option or server options not known statically.
   */
  unknown?: string;
}

export interface AppGraph {
  /** Stable id: `<relative file>:<line>`. */
  id: string;
  /** 'instance': a fastify() call; 'plugin': a root plugin as fastify-cli loads it. */
  kind: 'instance' | 'plugin';
  entry: Span;
  /** Folder of the package.json the app belongs to. */
  project: string;
  fastifyMajor: FastifyMajor;
  /**
   * Versions of fastify, @fastify/autoload and fastify-plugin the app's project uses, and where
   * each was read: an installed manifest, the lockfile, or the lowest the declared range allows.
   */
  versions: Record<string, { version: string; source: 'installed' | 'lockfile' | 'range' }>;
  serverOptions: ServerOptions;
  root: Context;
  /** Every route of the tree in declaration order, implicit HEAD routes included. */
  routes: Route[];
}

/** One part of a request URL: literal text, or a hole (an expression not known statically). */
export type UrlPart = string | { hole: string };

/** A request a test file makes to an app: `app.inject(...)`, its chain form, or supertest. */
export interface TestCallSite {
  /** Upper-case HTTP method. */
  method: string;
  /** The request path for display (query and hash removed), each hole shown as `{…}`. */
  url: string;
  /**
   * The request path as literal text and holes (`${expr}`, an unknown `+` operand); a hole stands
   * for any characters within one path segment (never a `/`).
   */
  parts: UrlPart[];
  /** 'inject': `app.inject(opts | url)`; 'inject-chain': `app.inject().get(url)`; 'supertest': `request(app.server).get(url)`. */
  via: 'inject' | 'inject-chain' | 'supertest';
  /** The call that fixes the URL, from the start of its chain (`app.inject({...})`, `request(app.server).get('/x')`). */
  span: Span;
}

/** A test call with the routes it may hit. */
export interface TestCall extends TestCallSite {
  /**
   * The routes the request reaches, the most specific per app as Fastify's router picks it
   * (several when holes leave it open). `routeId` is `Route.id`, unique within its app only
   * (every app numbers its own), so it is always paired with the app's `AppGraph.id`.
   */
  routes: { app: string; routeId: string }[];
}

export interface WorkspaceGraph {
  root: string;
  apps: AppGraph[];
  unresolved: Unresolved[];
  /** Number of source files read. */
  files: number;
  /** Requests made by test files (`isTestFile`), linked to the routes of the apps of their project. */
  testCalls: TestCall[];
}
