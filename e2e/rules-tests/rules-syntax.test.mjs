// The parse check of firestore.rules (check-rules.mjs) on the real file, and proof that it can fail:
// a valid file using most of the language passes, and each typical mistake is refused.
// Run by RulesSyntaxTest (JUnit), in every test run.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { checkRules } from "./check-rules.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const rules = readFileSync(join(here, "../../firestore.rules"), "utf8");

test("firestore.rules parses and every called function is defined", () => {
  const result = checkRules(rules);
  assert.deepEqual(result.errors, []);
  assert.equal(result.ast.services[0].name, "cloud.firestore");
});

// Most of the language, as the Firebase docs use it: must be accepted, or the check is too narrow.
const RICH = `rules_version = '2';
service cloud.firestore {
  match /databases/{database}/documents {
    function signedIn() { return request.auth != null; }
    function owns(uid) {
      let profile = get(/databases/$(database)/documents/users/$(uid)).data;
      return signedIn() && request.auth.uid == uid && profile.banned != true;
    }
    match /users/{uid} {
      allow get: if owns(uid);
      allow list: if false;
      allow create: if owns(uid) && request.resource.data.keys().hasOnly(['name', 'age'])
        && request.resource.data.name is string && request.resource.data.name.size() <= 100
        && request.resource.data.age >= 13 && request.resource.data.age < 150;
      allow update, delete: if owns(uid) /* inline comment */ && request.time < timestamp.date(2100, 1, 1);
      match /private/{doc=**} {
        allow read: if exists(/databases/$(database)/documents/admins/$(request.auth.uid))
          ? true : resource.data.tags[0:2] == ['a', "b"] || resource.data.limits == {'x': 1, 'y': -2.5};
      }
    }
    match /{document=**} {
      allow read, write: if false;
    }
  }
}`;

test("a file using most of the rules language is accepted", () => {
  assert.deepEqual(checkRules(RICH).errors, []);
});

const BROKEN = {
  "a missing semicolon": (r) => r.replace("allow read: if true;", "allow read: if true"),
  "an unclosed match block": (r) =>
    r.replace("match /regions/{regionId} {", "match /regions/{regionId}"),
  "an extra closing brace": (r) => `${r}\n}`,
  "an unknown method": (r) => r.replace("allow read: if true;", "allow reed: if true;"),
  "a JavaScript operator": (r) =>
    r.replace("request.auth.token.admin == true", "request.auth.token.admin === true"),
  "an unbalanced parenthesis": (r) =>
    r.replace("isAdmin() && isOperational(collection)", "(isAdmin() && isOperational(collection)"),
  "an unterminated string": (r) => r.replace("'regionEvents',", "'regionEvents,"),
  "a misspelt function call": (r) =>
    r.replace(
      "allow read: if isAdmin() && isOperational(collection);",
      "allow read: if isAdmn() && isOperational(collection);",
    ),
  "a call with the wrong argument count": (r) =>
    r.replace("isOperational(collection);", "isOperational();"),
  "rules_version 1": (r) => r.replace("rules_version = '2';", "rules_version = '1';"),
  "a condition without if": (r) => r.replace("allow read: if true;", "allow read: true;"),
  "a malformed wildcard": (r) => r.replace("{path=**}", "{path=*}"),
};

for (const [mistake, breakIt] of Object.entries(BROKEN)) {
  test(`the check refuses ${mistake}`, () => {
    const broken = breakIt(rules);
    assert.notEqual(broken, rules, "the mutation applies to firestore.rules");
    const result = checkRules(broken);
    assert.equal(result.ok, false, `accepted ${mistake}`);
    assert.ok(result.errors.length > 0);
  });
}

// The collections docs/<domain>.md name, which admins must be able to read (and nobody write).
const DOCUMENTED = [
  "regions",
  "regionEvents",
  "userRegionMappings",
  "failoverOperations",
  "scalingRules",
  "scalingState",
  "scalingEvents",
  "scalingBursts",
  "scalingOverrides",
  "cdnAssets",
  "cdnMetrics",
  "cdnPurges",
  "costBudgets",
  "costBudgetStates",
  "costReports",
  "fraudFlags",
  "costEvents",
  "backups",
  "backupHealth",
  "recoveryArchives",
  "metricMinutes",
  "metricRollups",
  "monitoringThresholds",
  "monitoringHealth",
  "systemAlerts",
  "adminAuditLog",
  "jobRuns",
];

test("the admin-readable list covers the collections the domains document", () => {
  const { ast } = checkRules(rules);
  const db = ast.services[0].body.find((s) => s.type === "match");
  const fn = db.body.find((s) => s.type === "function" && s.name === "isOperational");
  assert.ok(fn, "isOperational() is declared");
  const listed = fn.result.right.items.map((i) => i.value);
  for (const name of DOCUMENTED) assert.ok(listed.includes(name), `${name} is listed`);
  assert.ok(
    !listed.includes("users") && !listed.includes("wallet"),
    "the app's own collections are not opened to admins",
  );
  // No allow write anywhere except 'if false'.
  const writes = [];
  const walk = (stmts) =>
    stmts.forEach((s) => {
      if (s.type === "match") walk(s.body);
      if (
        s.type === "allow" &&
        s.methods.some((m) => ["write", "create", "update", "delete"].includes(m))
      )
        writes.push(s);
    });
  walk(db.body);
  assert.ok(writes.length > 0);
  for (const w of writes)
    assert.deepEqual(
      w.condition,
      { type: "bool", value: false },
      `line ${w.location.start.line} allows a write`,
    );
});

// ---- storage.rules (service firebase.storage): parsed with the same grammar and checks.
const storageRules = readFileSync(join(here, "../../storage.rules"), "utf8");
const STORAGE = { service: "firebase.storage" };

test("storage.rules parses and every called function is defined", () => {
  const result = checkRules(storageRules, STORAGE);
  assert.deepEqual(result.errors, []);
  assert.equal(result.ast.services[0].name, "firebase.storage");
});

const RICH_STORAGE = `rules_version = '2';
service firebase.storage {
  match /b/{bucket}/o {
    function small() { return request.resource.size < 5 * 1024 * 1024; }
    match /users/{uid}/{allPaths=**} {
      allow read: if request.auth != null && request.auth.uid == uid && resource.metadata.owner == uid;
      allow write: if request.auth.uid == uid && small() && request.resource.contentType.matches('image/.*')
        && request.resource.metadata.keys().hasOnly(['caption']) && request.time < resource.timeCreated + duration.value(1, 'h')
        && firestore.exists(/databases/(default)/documents/users/$(uid));
      allow delete: if bucket == 'avalo-uploads' && request.auth.token.admin == true;
    }
  }
}`;

test("a storage rules file using most of its language is accepted", () => {
  assert.deepEqual(checkRules(RICH_STORAGE, STORAGE).errors, []);
});

const BROKEN_STORAGE = {
  "the Firestore service in a storage rules file": (r) =>
    r.replace("service firebase.storage", "service cloud.firestore"),
  "a top-level match that is not /b/{bucket}/o": (r) =>
    r.replace("match /b/{bucket}/o {", "match /b/{bucket} {"),
  "a misspelt function call": (r) =>
    r.replace("allow read, delete: if isOwner(uid);", "allow read, delete: if isOwnr(uid);"),
  "a call with the wrong argument count": (r) =>
    r.replace("allow read, delete: if isOwner(uid);", "allow read, delete: if isOwner();"),
  "a missing semicolon": (r) =>
    r.replace("allow read, write: if false;", "allow read, write: if false"),
  "a JavaScript operator": (r) => r.replace("request.auth.uid == uid", "request.auth.uid === uid"),
  "an unknown method": (r) => r.replace("allow read, delete: if", "allow reads, delete: if"),
};

for (const [mistake, breakIt] of Object.entries(BROKEN_STORAGE)) {
  test(`the storage check refuses ${mistake}`, () => {
    const broken = breakIt(storageRules);
    assert.notEqual(broken, storageRules, "the mutation applies to storage.rules");
    const result = checkRules(broken, STORAGE);
    assert.equal(result.ok, false, `accepted ${mistake}`);
  });
}

/** The statements directly inside match /b/{bucket}/o, by path text. */
function storageMatches() {
  const root = checkRules(storageRules, STORAGE).ast.services[0].body.find(
    (s) => s.type === "match",
  );
  const text = (path) =>
    "/" +
    path
      .map((s) => (s.type === "literal" ? s.value : `{${s.name}${s.recursive ? "=**" : ""}}`))
      .join("/");
  return Object.fromEntries(
    root.body.filter((s) => s.type === "match").map((m) => [text(m.path), m]),
  );
}

test("storage.rules: uploads are the owner's only, writes are size- and type-limited, media is read-only", () => {
  const matches = storageMatches();
  const uploads = matches["/uploads/{uid}/{path=**}"];
  assert.ok(uploads, "uploads/{uid}/** is matched");
  for (const allow of uploads.body.filter((s) => s.type === "allow")) {
    const condition = JSON.stringify(allow.condition);
    assert.ok(
      condition.includes('"name":"isOwner"'),
      `line ${allow.location.start.line}: not limited to the owner`,
    );
    if (allow.methods.some((m) => ["write", "create", "update"].includes(m))) {
      for (const need of ["isImage", "isVideo", "isVoice", '"name":"size"']) {
        assert.ok(
          condition.includes(need),
          `line ${allow.location.start.line}: a write without ${need}`,
        );
      }
    }
  }
  const media = matches["/media/{folder}/{path=**}"];
  assert.ok(media, "media/** is matched");
  assert.ok(
    media.body.every(
      (s) => s.type !== "allow" || s.methods.every((m) => ["read", "get", "list"].includes(m)),
    ),
    "clients never write media",
  );
  const readable = JSON.stringify(media.body.find((s) => s.type === "allow").condition);
  assert.ok(
    !readable.includes("voice") && !readable.includes("private"),
    "voice and private media are not public",
  );
  const rest = matches["/{path=**}"];
  assert.deepEqual(
    rest.body.map((s) => s.condition),
    [{ type: "bool", value: false }],
    "everything else is denied",
  );
  // The size limits in the rules are the functions' defaults (CdnConfig), so a file the function
  // would refuse for its size is refused at upload already.
  for (const [fn, mib] of [
    ["isImage", 25],
    ["isVideo", 2048],
    ["isVoice", 20],
  ]) {
    assert.match(
      storageRules,
      new RegExp(`function ${fn}\\(\\) \\{[^}]*size <= ${mib} \\* 1024 \\* 1024`),
      fn,
    );
  }
});
