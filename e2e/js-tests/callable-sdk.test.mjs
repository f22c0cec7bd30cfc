// Calls functions through the dev server with the real Firebase JS SDK, the way the web app and the
// dashboard do: httpsCallable + connectFunctionsEmulator, signed in through the Auth emulator.
// Run by FirebaseJsSdkTest (JUnit), which starts the dev server and passes its address.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { initializeApp, deleteApp } from "firebase/app";
import { getAuth, connectAuthEmulator, signInWithEmailAndPassword, signOut } from "firebase/auth";
import { getFunctions, connectFunctionsEmulator, httpsCallable } from "firebase/functions";

const required = (name) => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run this through FirebaseJsSdkTest (bin/test)`);
  return value;
};
const devUrl = new URL(required("AVALO_DEV_URL"));
const projectId = required("GOOGLE_CLOUD_PROJECT");
const region = required("AVALO_REGION");
const authHost = required("FIREBASE_AUTH_EMULATOR_HOST");

let app;
let auth;
let functions;
const call = (name, data) => httpsCallable(functions, name)(data);

before(() => {
  app = initializeApp({ projectId, apiKey: "local-demo-api-key", appId: "js-sdk-test" });
  auth = getAuth(app);
  connectAuthEmulator(auth, `http://${authHost}`, { disableWarnings: true });
  functions = getFunctions(app, region);
  connectFunctionsEmulator(functions, devUrl.hostname, Number(devUrl.port));
});

after(async () => {
  await signOut(auth);
  await deleteApp(app);
});

test("a public function answers without sign-in", async () => {
  const { data } = await call("getRegionStatuses", {});
  assert.ok(Array.isArray(data.regions), JSON.stringify(data));
  assert.deepEqual(data.regions.map((r) => r.id).sort(), ["ASIA", "EU", "US"]);
});

test("a user function refuses an anonymous caller with functions/unauthenticated", async () => {
  await assert.rejects(call("getRouting", { service: "chat" }), (e) => e.code === "functions/unauthenticated");
});

test("a signed-in user is routed, and bad input names the field", async () => {
  await signInWithEmailAndPassword(auth, "user@avalo.local", "avalo-user");
  const { data } = await call("getRouting", { service: "chat", country: "PL" });
  assert.ok(["EU", "US", "ASIA"].includes(data.region), JSON.stringify(data));
  assert.equal(typeof data.endpoint, "string");
  await assert.rejects(call("getRouting", { service: "chat", location: { lat: 200, lng: 0 } }), (e) => {
    assert.equal(e.code, "functions/invalid-argument");
    assert.match(e.message, /location\.lat/);
    return true;
  });
});

test("an admin function refuses a non-admin with functions/permission-denied", async () => {
  await signInWithEmailAndPassword(auth, "user@avalo.local", "avalo-user");
  await assert.rejects(call("getSystemHealth", {}), (e) => e.code === "functions/permission-denied");
});

test("the admin's custom claim opens admin functions", async () => {
  await signInWithEmailAndPassword(auth, "admin@avalo.local", "avalo-admin");
  const { data } = await call("getSystemHealth", {});
  assert.ok(data && typeof data === "object", JSON.stringify(data));
});
