// Calls functions through the dev server with the real Firebase JS SDK, the way the web app and the
// dashboard do: httpsCallable + connectFunctionsEmulator, signed in through the Auth emulator — and
// uploads with the Storage SDK (uploadBytes + connectStorageEmulator) the way the mobile app does
// before it calls uploadImage/uploadVideo with the path.
// Run by FirebaseJsSdkTest (JUnit), which starts the dev server and passes its address.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { initializeApp, deleteApp } from "firebase/app";
import { getAuth, connectAuthEmulator, signInWithEmailAndPassword, signOut } from "firebase/auth";
import { getFunctions, connectFunctionsEmulator, httpsCallable } from "firebase/functions";
import { getStorage, connectStorageEmulator, ref, uploadBytes } from "firebase/storage";
import { readFileSync } from "node:fs";

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
  await assert.rejects(
    call("getRouting", { service: "chat" }),
    (e) => e.code === "functions/unauthenticated",
  );
});

test("a signed-in user is routed, and bad input names the field", async () => {
  await signInWithEmailAndPassword(auth, "user@avalo.local", "avalo-user");
  const { data } = await call("getRouting", { service: "chat", country: "PL" });
  assert.ok(["EU", "US", "ASIA"].includes(data.region), JSON.stringify(data));
  assert.equal(typeof data.endpoint, "string");
  await assert.rejects(
    call("getRouting", { service: "chat", location: { lat: 200, lng: 0 } }),
    (e) => {
      assert.equal(e.code, "functions/invalid-argument");
      assert.match(e.message, /location\.lat/);
      return true;
    },
  );
});

test("an admin function refuses a non-admin with functions/permission-denied", async () => {
  await signInWithEmailAndPassword(auth, "user@avalo.local", "avalo-user");
  await assert.rejects(
    call("getSystemHealth", {}),
    (e) => e.code === "functions/permission-denied",
  );
});

test("the admin's custom claim opens admin functions", async () => {
  await signInWithEmailAndPassword(auth, "admin@avalo.local", "avalo-admin");
  const { data } = await call("getSystemHealth", {});
  assert.ok(data && typeof data === "object", JSON.stringify(data));
});

test("a user uploads a photo with the Storage SDK, uploadImage processes it by path, signed URLs open it", async () => {
  const init = await (await fetch(new URL("/__/firebase/init.json", devUrl))).json();
  const { user } = await signInWithEmailAndPassword(auth, "user@avalo.local", "avalo-user");
  const storage = getStorage(app, `gs://${init.storageBucket}`);
  connectStorageEmulator(storage, devUrl.hostname, Number(devUrl.port));
  const photo = readFileSync(new URL("./fixtures/photo.jpg", import.meta.url));
  const path = `uploads/${user.uid}/sdk/photo-${Date.now()}.jpg`;

  const uploaded = await uploadBytes(ref(storage, path), photo, { contentType: "image/jpeg" });
  assert.equal(uploaded.metadata.fullPath, path);
  assert.equal(uploaded.metadata.size, photo.length);
  // storage.rules' upload rule holds locally too: not another user's folder, not any type.
  await assert.rejects(
    uploadBytes(ref(storage, "uploads/someone-else/x.jpg"), photo, { contentType: "image/jpeg" }),
    (e) => e.code === "storage/unauthorized",
  );
  await assert.rejects(
    uploadBytes(ref(storage, `uploads/${user.uid}/page.html`), photo, { contentType: "text/html" }),
    (e) => e.code === "storage/unauthorized",
  );
  // The upload bucket is private: the original cannot be read without a signature.
  const original = new URL(`/_local/storage/${init.storageBucket}/${path}`, devUrl);
  assert.equal((await fetch(original)).status, 403);

  const { data } = await call("uploadImage", { path, visibility: "private" });
  assert.equal(data.status, "ready", JSON.stringify(data));
  assert.equal(data.visibility, "private");
  const variant = data.variants.find((v) => v.format === "jpeg");
  assert.match(variant.url, /X-Goog-Algorithm=GOOG4-RSA-SHA256/);
  assert.ok(!variant.url.includes(user.uid), "no uid in a private media URL");
  const opened = await fetch(variant.url);
  assert.equal(opened.status, 200);
  assert.equal(opened.headers.get("content-type"), "image/jpeg");
  assert.ok((await opened.arrayBuffer()).byteLength > 100);
  const tampered = variant.url.replace(/\/(s150|s300|full)\.jpg/, (m) =>
    m === "/full.jpg" ? "/s150.jpg" : "/full.jpg",
  );
  assert.notEqual(tampered, variant.url);
  assert.equal(
    (await fetch(tampered)).status,
    403,
    "a signature opens only the object it was made for",
  );
  const unsigned = variant.url.slice(0, variant.url.indexOf("?"));
  assert.equal((await fetch(unsigned)).status, 403);
});
