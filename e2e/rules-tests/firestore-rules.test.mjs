// Behaviour of firestore.rules with @firebase/rules-unit-testing. Security rules are evaluated only by
// Google's Firestore emulator (firebase-tools / gcloud), which cannot be downloaded here; the npm
// emulator the stack uses has no rules. So these run when FIRESTORE_RULES_EMULATOR_HOST (host:port of
// a Google Firestore emulator) is set, and are reported as skipped with that reason otherwise — never
// as passed. Run by RulesEmulatorTest (JUnit); on a laptop:
//   gcloud emulators firestore start --host-port=127.0.0.1:8181 &
//   FIRESTORE_RULES_EMULATOR_HOST=127.0.0.1:8181 bin/test -pl localstack -am -Dtest='Rules*'
import { after, before, test } from "node:test";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import {
  assertFails,
  assertSucceeds,
  initializeTestEnvironment,
} from "@firebase/rules-unit-testing";
import { collection, doc, getDoc, getDocs, setDoc, deleteDoc } from "firebase/firestore";
import { checkRules } from "./check-rules.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const rules = readFileSync(join(here, "../../firestore.rules"), "utf8");
const emulator = process.env.FIRESTORE_RULES_EMULATOR_HOST ?? "";
const skip = emulator
  ? false
  : "FIRESTORE_RULES_EMULATOR_HOST is not set: security rules need Google's Firestore emulator, which is not available here";

/** The collections firestore.rules lets admins read, from its isOperational() list. */
function operationalCollections() {
  const { ast } = checkRules(rules);
  const fn = ast.services[0].body
    .find((s) => s.type === "match")
    .body.find((s) => s.type === "function" && s.name === "isOperational");
  return fn.result.right.items.map((i) => i.value);
}

let env;
const admin = () => env.authenticatedContext("admin-1", { admin: true }).firestore();
const alice = () => env.authenticatedContext("alice").firestore();
const bob = () => env.authenticatedContext("bob").firestore();
const anonymous = () => env.unauthenticatedContext().firestore();

before(async () => {
  if (skip) return;
  const [host, port] = emulator.split(":");
  env = await initializeTestEnvironment({
    projectId: "demo-avalo-rules",
    firestore: { rules, host, port: Number(port) },
  });
  await env.clearFirestore();
  await env.withSecurityRulesDisabled(async (ctx) => {
    const db = ctx.firestore();
    await setDoc(doc(db, "regions/EU"), { status: "healthy" });
    await setDoc(doc(db, "userRegionMappings/alice"), { regionId: "EU" });
    await setDoc(doc(db, "userRegionMappings/bob"), { regionId: "US" });
    for (const name of operationalCollections())
      await setDoc(doc(db, `${name}/doc-1`), { seeded: true });
    await setDoc(doc(db, "metricBuckets/chat~202611270700/shards/0"), { count: 1 });
    await setDoc(doc(db, "users/alice"), { name: "Alice" });
    await setDoc(doc(db, "wallet/alice"), { balance: 100 });
  });
});

after(async () => {
  if (env) await env.cleanup();
});

test("regions: anyone reads, even signed out", { skip }, async () => {
  await assertSucceeds(getDoc(doc(anonymous(), "regions/EU")));
  await assertSucceeds(getDocs(collection(anonymous(), "regions")));
  await assertSucceeds(getDoc(doc(alice(), "regions/EU")));
});

test("regions: no client writes, not even an admin", { skip }, async () => {
  await assertFails(setDoc(doc(anonymous(), "regions/EU"), { status: "unhealthy" }));
  await assertFails(setDoc(doc(alice(), "regions/EU"), { status: "unhealthy" }));
  await assertFails(setDoc(doc(admin(), "regions/EU"), { status: "unhealthy" }));
  await assertFails(deleteDoc(doc(admin(), "regions/EU")));
});

test("userRegionMappings: a user reads only their own mapping", { skip }, async () => {
  await assertSucceeds(getDoc(doc(alice(), "userRegionMappings/alice")));
  await assertFails(getDoc(doc(alice(), "userRegionMappings/bob")));
  await assertFails(getDoc(doc(anonymous(), "userRegionMappings/alice")));
  await assertFails(getDocs(collection(bob(), "userRegionMappings")));
});

test("userRegionMappings: nobody writes a mapping from a client", { skip }, async () => {
  await assertFails(setDoc(doc(alice(), "userRegionMappings/alice"), { regionId: "ASIA" }));
  await assertFails(setDoc(doc(admin(), "userRegionMappings/alice"), { regionId: "ASIA" }));
});

test("operational collections: admins read documents and lists", { skip }, async () => {
  for (const name of operationalCollections()) {
    await assertSucceeds(getDoc(doc(admin(), `${name}/doc-1`)));
    await assertSucceeds(getDocs(collection(admin(), name)));
  }
  await assertSucceeds(getDoc(doc(admin(), "metricBuckets/chat~202611270700/shards/0")));
});

test(
  "operational collections: signed-in non-admins and signed-out clients read nothing",
  { skip },
  async () => {
    for (const name of operationalCollections().filter(
      (n) => n !== "regions" && n !== "userRegionMappings",
    )) {
      await assertFails(getDoc(doc(alice(), `${name}/doc-1`)));
      await assertFails(getDocs(collection(alice(), name)));
      await assertFails(getDoc(doc(anonymous(), `${name}/doc-1`)));
    }
    await assertFails(getDoc(doc(alice(), "metricBuckets/chat~202611270700/shards/0")));
    // A claim that is not exactly true is not admin.
    const fake = env.authenticatedContext("mallory", { admin: "true" }).firestore();
    await assertFails(getDoc(doc(fake, "systemAlerts/doc-1")));
  },
);

test("operational collections: no client writes, not even an admin", { skip }, async () => {
  for (const name of operationalCollections()) {
    await assertFails(setDoc(doc(admin(), `${name}/new-doc`), { forged: true }));
    await assertFails(deleteDoc(doc(admin(), `${name}/doc-1`)));
  }
  await assertFails(
    setDoc(doc(admin(), "metricBuckets/chat~202611270700/shards/0"), { count: 99 }),
  );
});

test("everything else is denied by default, admins included", { skip }, async () => {
  for (const path of [
    "users/alice",
    "wallet/alice",
    "somethingNew/x",
    "regions/EU/secrets/x",
    "systemAlerts/doc-1/notes/x",
  ]) {
    await assertFails(getDoc(doc(admin(), path)));
    await assertFails(getDoc(doc(alice(), path)));
    await assertFails(setDoc(doc(admin(), path), { x: 1 }));
  }
});
