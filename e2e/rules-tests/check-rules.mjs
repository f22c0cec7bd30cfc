// Parse-checks a Firebase Security Rules file without Google's rules compiler (which only runs in its
// Firestore emulator or at deploy time, neither available to the tests here):
//   1. syntax: the file must parse with the grammar in firestore-rules.peggy (peggy, from npm);
//   2. semantics the grammar cannot see: rules_version '2', the expected service (cloud.firestore for
//      firestore.rules, firebase.storage for storage.rules) whose top-level match is the service's
//      root (/databases/{database}/documents, /b/{bucket}/o), and every bare function call names a
//      function declared in scope (or a built-in) with the right number of arguments — a typo such as
//      isAdmn() would otherwise only fail at deploy time.
// Usage: node e2e/rules-tests/check-rules.mjs [firestore.rules | storage.rules]  (exit 1 with the problems)
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import peggy from "peggy";

const here = dirname(fileURLToPath(import.meta.url));
const parser = peggy.generate(readFileSync(join(here, "firestore-rules.peggy"), "utf8"));

// Global functions of the rules language that are called bare (others are namespaced: math.*, timestamp.*, …).
const BUILTINS = new Set([
  "get",
  "exists",
  "getAfter",
  "existsAfter",
  "debug",
  "path",
  "string",
  "int",
  "float",
  "bool",
  "bytes",
]);

// The one top-level match each service's rules sit under: [literal, variable, literal].
const ROOTS = {
  "cloud.firestore": ["databases", null, "documents"],
  "firebase.storage": ["b", null, "o"],
};

/**
 * @param {string} source the rules file
 * @param {{service?: "cloud.firestore" | "firebase.storage"}} options which service the file is for
 * @returns {{ok: boolean, errors: string[], ast?: object}}
 */
export function checkRules(source, { service: expected = "cloud.firestore" } = {}) {
  let ast;
  try {
    ast = parser.parse(source);
  } catch (e) {
    const where = e.location
      ? `line ${e.location.start.line}, column ${e.location.start.column}: `
      : "";
    return { ok: false, errors: [`syntax error at ${where}${e.message}`] };
  }
  const errors = [];
  if (ast.version !== "2")
    errors.push(
      `rules_version must be '2' (is ${ast.version == null ? "missing" : `'${ast.version}'`})`,
    );
  if (!ast.services.some((s) => s.name === expected)) errors.push(`no 'service ${expected}' block`);
  for (const service of ast.services) {
    if (service.name !== expected)
      errors.push(
        `line ${service.location.start.line}: service ${service.name} in a ${expected} rules file`,
      );
    for (const s of service.body)
      if (s.type === "match" && !isRoot(s.path, ROOTS[service.name])) {
        errors.push(
          `line ${s.location.start.line}: the top-level match of ${service.name} must be /${ROOTS[service.name].map((p) => p ?? "{var}").join("/")}`,
        );
      }
    checkBlock(service.body, [new Map()], errors);
  }
  return { ok: errors.length === 0, errors, ast };
}

function isRoot(path, root) {
  return (
    path.length === root.length &&
    path.every((seg, i) =>
      root[i] === null
        ? seg.type === "variable" && !seg.recursive
        : seg.type === "literal" && seg.value === root[i],
    )
  );
}

function checkBlock(statements, scopes, errors) {
  const scope = new Map(scopes[scopes.length - 1]);
  for (const s of statements) if (s.type === "function") scope.set(s.name, s.params.length);
  const inner = [...scopes, scope];
  for (const s of statements) {
    if (s.type === "function") {
      for (const l of s.lets) checkExpression(l.value, scope, errors);
      checkExpression(s.result, scope, errors);
    } else if (s.type === "allow") {
      if (s.condition) checkExpression(s.condition, scope, errors);
    } else if (s.type === "match") {
      for (const seg of s.path)
        if (seg.type === "interpolation") checkExpression(seg.expr, scope, errors);
      checkBlock(s.body, inner, errors);
    }
  }
}

function checkExpression(e, scope, errors) {
  if (!e || typeof e !== "object") return;
  if (e.type === "call" && e.target?.type === "identifier") {
    const name = e.target.name;
    const line = e.location?.start.line;
    if (scope.has(name)) {
      if (scope.get(name) !== e.args.length) {
        errors.push(
          `line ${line}: ${name}() takes ${scope.get(name)} argument(s), called with ${e.args.length}`,
        );
      }
    } else if (!BUILTINS.has(name)) {
      errors.push(`line ${line}: ${name}() is not a function declared in scope nor a built-in`);
    }
  }
  for (const value of Object.values(e)) {
    for (const child of Array.isArray(value) ? value : [value]) {
      if (child?.type) checkExpression(child, scope, errors);
      else if (child?.key) {
        // a map literal entry
        checkExpression(child.key, scope, errors);
        checkExpression(child.value, scope, errors);
      }
    }
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const file = process.argv[2] ?? join(here, "../../firestore.rules");
  const service = /(^|\/)storage[^/]*\.rules$/.test(file) ? "firebase.storage" : "cloud.firestore";
  const result = checkRules(readFileSync(file, "utf8"), { service });
  if (result.ok) {
    console.log(`${file}: rules parse and check`);
  } else {
    console.error(`${file}:\n  ${result.errors.join("\n  ")}`);
    process.exit(1);
  }
}
