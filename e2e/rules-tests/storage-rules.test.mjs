// Behaviour of storage.rules with @firebase/rules-unit-testing. Storage security rules are evaluated only
// by Google's Cloud Storage for Firebase emulator (firebase-tools downloads its rules runtime), which
// cannot be downloaded here; the local stack's in-memory Storage has no rules. So these run when
// STORAGE_RULES_EMULATOR_HOST (host:port of that emulator) is set, and are reported as skipped with
// that reason otherwise — never as passed. Run by RulesEmulatorTest (JUnit); on a laptop:
//   npx firebase emulators:start --only storage --project demo-avalo-rules &   (port 9199)
//   STORAGE_RULES_EMULATOR_HOST=127.0.0.1:9199 bin/test -pl e2e -am -Dtest='Rules*'
import { after, before, test } from "node:test";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import {
  assertFails,
  assertSucceeds,
  initializeTestEnvironment,
} from "@firebase/rules-unit-testing";

const here = dirname(fileURLToPath(import.meta.url));
const rules = readFileSync(join(here, "../../storage.rules"), "utf8");
const emulator = process.env.STORAGE_RULES_EMULATOR_HOST ?? "";
const skip = emulator
  ? false
  : "STORAGE_RULES_EMULATOR_HOST is not set: storage rules need Google's Storage emulator, which is not available here";

const UPLOADS = "gs://demo-avalo-rules-uploads";
const MEDIA = "gs://demo-avalo-rules-media";
const MIB = 1024 * 1024;
const bytes = (n) => new Uint8Array(n).fill(7);

let env;
const as = (ctx, bucket) => ctx.storage(bucket);
const alice = (bucket = UPLOADS) => as(env.authenticatedContext("alice"), bucket);
const bob = (bucket = UPLOADS) => as(env.authenticatedContext("bob"), bucket);
const admin = (bucket = UPLOADS) =>
  as(env.authenticatedContext("admin-1", { admin: true }), bucket);
const anonymous = (bucket = UPLOADS) => as(env.unauthenticatedContext(), bucket);

before(async () => {
  if (skip) return;
  const [host, port] = emulator.split(":");
  env = await initializeTestEnvironment({
    projectId: "demo-avalo-rules",
    storage: { rules, host, port: Number(port) },
  });
  await env.clearStorage();
  await env.withSecurityRulesDisabled(async (ctx) => {
    await ctx
      .storage(UPLOADS)
      .ref("uploads/alice/seeded.jpg")
      .put(bytes(10), { contentType: "image/jpeg" });
    await ctx
      .storage(UPLOADS)
      .ref("private/voice/voc_1/voice.ogg")
      .put(bytes(10), { contentType: "audio/ogg" });
    await ctx
      .storage(MEDIA)
      .ref("media/images/img_1/full.webp")
      .put(bytes(10), { contentType: "image/webp" });
    await ctx
      .storage(MEDIA)
      .ref("media/voice/voc_2/voice.ogg")
      .put(bytes(10), { contentType: "audio/ogg" });
  });
});

after(async () => {
  if (env) await env.cleanup();
});

test("uploads: a user uploads, reads and deletes their own originals", { skip }, async () => {
  await assertSucceeds(
    alice().ref("uploads/alice/camera/a.jpg").put(bytes(1000), { contentType: "image/jpeg" }),
  );
  await assertSucceeds(
    alice().ref("uploads/alice/clip.mp4").put(bytes(1000), { contentType: "video/mp4" }),
  );
  await assertSucceeds(
    alice().ref("uploads/alice/note.m4a").put(bytes(1000), { contentType: "audio/mp4" }),
  );
  await assertSucceeds(alice().ref("uploads/alice/seeded.jpg").getMetadata());
  await assertSucceeds(alice().ref("uploads/alice/camera/a.jpg").delete());
});

test("uploads: nobody else reads, writes or deletes them, admins included", { skip }, async () => {
  await assertFails(bob().ref("uploads/alice/seeded.jpg").getMetadata());
  await assertFails(anonymous().ref("uploads/alice/seeded.jpg").getMetadata());
  await assertFails(admin().ref("uploads/alice/seeded.jpg").getMetadata());
  await assertFails(bob().ref("uploads/alice/x.jpg").put(bytes(10), { contentType: "image/jpeg" }));
  await assertFails(
    anonymous().ref("uploads/anonymous/x.jpg").put(bytes(10), { contentType: "image/jpeg" }),
  );
  await assertFails(bob().ref("uploads/alice/seeded.jpg").delete());
  await assertFails(bob().ref("uploads/alice").listAll());
});

test("uploads: only media types, not empty, within the size limits", { skip }, async () => {
  await assertFails(
    alice().ref("uploads/alice/page.html").put(bytes(10), { contentType: "text/html" }),
  );
  await assertFails(
    alice().ref("uploads/alice/x.svg").put(bytes(10), { contentType: "image/svg+xml" }),
  );
  await assertFails(
    alice()
      .ref("uploads/alice/list.m3u8")
      .put(bytes(10), { contentType: "application/vnd.apple.mpegurl" }),
  );
  await assertFails(
    alice().ref("uploads/alice/empty.jpg").put(bytes(0), { contentType: "image/jpeg" }),
  );
  await assertFails(
    alice()
      .ref("uploads/alice/huge.jpg")
      .put(bytes(25 * MIB + 1), { contentType: "image/jpeg" }),
  );
  await assertSucceeds(
    alice()
      .ref("uploads/alice/max.jpg")
      .put(bytes(25 * MIB), { contentType: "image/jpeg" }),
  );
  await assertFails(
    alice()
      .ref("uploads/alice/long.ogg")
      .put(bytes(20 * MIB + 1), { contentType: "audio/ogg" }),
  );
});

test(
  "media: public folders are readable by anyone, voice is not, nobody writes",
  { skip },
  async () => {
    await assertSucceeds(anonymous(MEDIA).ref("media/images/img_1/full.webp").getMetadata());
    await assertSucceeds(anonymous(MEDIA).ref("media/images/img_1/full.webp").getDownloadURL());
    await assertFails(anonymous(MEDIA).ref("media/voice/voc_2/voice.ogg").getMetadata());
    await assertFails(
      alice(MEDIA)
        .ref("media/images/img_9/full.webp")
        .put(bytes(10), { contentType: "image/webp" }),
    );
    await assertFails(admin(MEDIA).ref("media/images/img_1/full.webp").delete());
  },
);

test(
  "private media and everything else: no client access, the owner and admins included",
  { skip },
  async () => {
    await assertFails(alice().ref("private/voice/voc_1/voice.ogg").getMetadata());
    await assertFails(admin().ref("private/voice/voc_1/voice.ogg").getMetadata());
    await assertFails(
      alice().ref("private/voice/voc_3/voice.ogg").put(bytes(10), { contentType: "audio/ogg" }),
    );
    await assertFails(
      alice().ref("ai-avatars/luna.png").put(bytes(10), { contentType: "image/png" }),
    );
    await assertFails(anonymous().ref("anything/else.txt").getMetadata());
  },
);
