// esbuild plugin: marks the MCP SDK's top-level schema constructions as pure so the bridge's
// bundle keeps only the zod schemas it actually uses. The SDK builds ~300 schemas at load
// (types.js, shared/auth.js); evaluating all of them was most of the bridge's start-up time.
// zod's schema constructors have no side effects the bridge relies on.
import { readFile } from 'node:fs/promises';
import ts from 'typescript';

const SDK_SCHEMA_FILES = /[\\/]@modelcontextprotocol[\\/]sdk[\\/]dist[\\/]esm[\\/](types|shared[\\/]auth)\.js$/;

/** Wraps every call in a top-level `const` initializer (outside function bodies) as
 * `(/* @__PURE__ *\/ call)`: esbuild drops an unused pure call only if its arguments are
 * pure too, and in `a().b()` an annotation reaches one call, so each gets its own. */
export function annotateTopLevelCalls(source, fileName) {
  const file = ts.createSourceFile(fileName, source, ts.ScriptTarget.Latest, true, ts.ScriptKind.JS);
  const edits = [];
  const visit = (node) => {
    if (ts.isFunctionLike(node) || ts.isClassLike(node)) return;
    if (ts.isCallExpression(node)) {
      edits.push({ at: node.getStart(file), text: '(/* @__PURE__ */ ', open: true, seq: edits.length });
      edits.push({ at: node.getEnd(), text: ')', open: false, seq: edits.length });
    }
    ts.forEachChild(node, visit);
  };
  for (const statement of file.statements) {
    if (!ts.isVariableStatement(statement)) continue;
    for (const declaration of statement.declarationList.declarations) if (declaration.initializer) visit(declaration.initializer);
  }
  // Same position: an outer call opens before and closes after the calls inside it.
  edits.sort((a, b) => a.at - b.at || Number(a.open) - Number(b.open) || (a.open ? a.seq - b.seq : b.seq - a.seq));
  let out = '';
  let from = 0;
  for (const edit of edits) {
    out += source.slice(from, edit.at) + edit.text;
    from = edit.at;
  }
  return out + source.slice(from);
}

export const pureSchemas = {
  name: 'pure-sdk-schemas',
  setup(build) {
    build.onLoad({ filter: SDK_SCHEMA_FILES }, async (args) => ({
      contents: annotateTopLevelCalls(await readFile(args.path, 'utf8'), args.path),
      loader: 'js',
    }));
  },
};
