package app.avalo.infra.cdn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.avalo.infra.testing.AuthEmulator;
import app.avalo.infra.testing.Emulators;
import app.avalo.infra.testing.FakeExchange;
import app.avalo.infra.testing.TestBed;
import com.google.cloud.firestore.DocumentSnapshot;
import com.google.cloud.firestore.QueryDocumentSnapshot;
import com.google.gson.JsonObject;
import java.net.URI;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * takedownAsset and eraseUserMedia end to end against the emulator and the in-memory Storage:
 * objects gone from the origin, the CDN purged, the record marked, the action audited, repeats
 * harmless; erasure in bounded, checkpointed steps that resume where they stopped.
 */
class TakedownTest {
  private final RecordingPurger purger = new RecordingPurger();
  private final QueuedTasks tasks = new QueuedTasks();

  @RegisterExtension
  final TestBed bed =
      CdnFixtures.bed(purger, tasks)
          .env(
              Map.of(
                  "CDN_ERASURE_BATCH_SIZE",
                  "2",
                  "CDN_ERASURE_MAX_BATCHES",
                  "1",
                  "CDN_DELETE_ORIGINALS",
                  "false"))
          .build();

  private final AuthEmulator.User admin = AuthEmulator.newAdmin();
  private final AuthEmulator.User user = AuthEmulator.newUser();
  private final AuthEmulator.User other = AuthEmulator.newUser();

  private String uploadImage(AuthEmulator.User owner, String visibility) throws Exception {
    String jpeg =
        Base64.getEncoder().encodeToString(MediaFixtures.jpeg(MediaFixtures.quadrants(400, 300)));
    var response =
        FakeExchange.post()
            .bearer(owner.idToken())
            .data(CdnFixtures.json("data", jpeg, "visibility", visibility))
            .send(new UploadImage(bed.platform, bed.root.cdn()));
    assertEquals(200, response.status(), response.body());
    return response.result().getAsJsonObject().get("assetId").getAsString();
  }

  private FakeExchange.Response takedown(AuthEmulator.User caller, String assetId)
      throws Exception {
    return FakeExchange.post()
        .bearer(caller.idToken())
        .data(CdnFixtures.json("assetId", assetId, "reason", "DMCA notice 42"))
        .send(new TakedownAsset(bed.platform, bed.root.cdn()));
  }

  private JsonObject erase(String userId) throws Exception {
    var response =
        FakeExchange.post()
            .body(CdnFixtures.json("userId", userId))
            .send(new EraseUserMedia(bed.platform, bed.root.cdn()));
    assertEquals(200, response.status(), response.body());
    return response.json();
  }

  @Test
  void takedownDeletesEveryObjectPurgesTheCdnMarksTheRecordAndIsAudited() throws Exception {
    String assetId = uploadImage(user, "public");
    List<String> objects = CdnFixtures.objects(bed, "media/images/" + assetId + "/");
    assertTrue(objects.size() >= 6, objects.toString());

    var response = takedown(admin, assetId);

    assertEquals(200, response.status(), response.body());
    JsonObject result = response.result().getAsJsonObject();
    assertEquals("taken_down", result.get("status").getAsString());
    assertEquals(objects.size(), result.get("objectsDeleted").getAsInt());
    assertFalse(result.get("alreadyTakenDown").getAsBoolean());
    assertTrue(
        CdnFixtures.objects(bed, "media/images/" + assetId + "/").isEmpty(),
        "gone at the origin, not only from caches");
    CachePurger.PurgeRequest purge = purger.requests().get(0);
    assertEquals(
        objects.stream().map(p -> URI.create(CdnFixtures.CDN + "/" + p)).sorted().toList(),
        purge.urls().stream().sorted().toList());
    DocumentSnapshot doc = bed.db.collection("cdnAssets").document(assetId).get().get();
    assertEquals("taken_down", doc.getString("status"));
    assertEquals("DMCA notice 42", doc.getString("takedownReason"));
    assertEquals(0L, doc.getLong("variantCount"));
    List<QueryDocumentSnapshot> audit =
        bed.db
            .collection("adminAuditLog")
            .whereEqualTo("action", "takedownAsset")
            .get()
            .get()
            .getDocuments();
    assertEquals(1, audit.size());
    assertEquals(admin.uid(), audit.get(0).getString("actorUid"));
    assertEquals("ok", audit.get(0).getString("outcome"));
    assertTrue(audit.get(0).getString("arguments").contains("DMCA notice 42"));

    var view =
        FakeExchange.post()
            .bearer(user.idToken())
            .data(CdnFixtures.json("assetId", assetId))
            .send(new GetProgressiveImage(bed.platform, bed.root.cdn()));
    assertEquals(404, view.status(), view.body());
    assertEquals(
        "taken_down",
        view.json()
            .getAsJsonObject("error")
            .getAsJsonObject("details")
            .get("status")
            .getAsString());

    var again = takedown(admin, assetId);
    assertEquals(200, again.status(), again.body());
    assertTrue(again.result().getAsJsonObject().get("alreadyTakenDown").getAsBoolean());
    assertEquals(0, again.result().getAsJsonObject().get("objectsDeleted").getAsInt());
    assertEquals(1, purger.requests().size(), "a repeat purges nothing more");
  }

  @Test
  void takedownOfAPrivatePhotoDeletesItsPrivateObjectsAndTheKeptOriginal() throws Exception {
    String original = "uploads/" + user.uid() + "/IMG_1.jpg";
    CdnFixtures.upload(bed, original, MediaFixtures.jpeg(MediaFixtures.quadrants(300, 200)));
    var uploaded =
        FakeExchange.post()
            .bearer(user.idToken())
            .data(CdnFixtures.json("path", original, "visibility", "private"))
            .send(new UploadImage(bed.platform, bed.root.cdn()));
    assertEquals(200, uploaded.status(), uploaded.body());
    String assetId = uploaded.result().getAsJsonObject().get("assetId").getAsString();
    assertNotNull(CdnFixtures.blob(bed, original), "kept (CDN_DELETE_ORIGINALS=false)");

    var response = takedown(admin, assetId);

    assertEquals(200, response.status(), response.body());
    assertTrue(
        CdnFixtures.objectsIn(bed, CdnFixtures.UPLOADS, "private/images/" + assetId + "/")
            .isEmpty());
    assertNull(CdnFixtures.blob(bed, original), "the original goes too");
    assertTrue(purger.requests().isEmpty(), "private media never went through the CDN");
  }

  @Test
  void onlyAdminsTakeDownAndBadInputWritesNothing() throws Exception {
    String assetId = uploadImage(user, "public");
    int stored = CdnFixtures.objects(bed, "media/images/" + assetId + "/").size();
    long writes = Emulators.firestoreWriteCount();
    assertEquals(403, takedown(user, assetId).status());
    var noReason =
        FakeExchange.post()
            .bearer(admin.idToken())
            .data(CdnFixtures.json("assetId", assetId))
            .send(new TakedownAsset(bed.platform, bed.root.cdn()));
    assertEquals(400, noReason.status(), noReason.body());
    assertTrue(noReason.errorMessage().contains("reason"), noReason.errorMessage());
    assertEquals(writes, Emulators.firestoreWriteCount());
    assertEquals(404, takedown(admin, "img_nope").status());
    assertEquals(stored, CdnFixtures.objects(bed, "media/images/" + assetId + "/").size());
  }

  @Test
  void erasureTakesDownEverythingAUserOwnsInResumableStepsAndRepeatsHarmlessly() throws Exception {
    String a = uploadImage(user, "public");
    String b = uploadImage(user, "private");
    String c = uploadImage(user, "public");
    String others = uploadImage(other, "public");
    int othersStored = CdnFixtures.objects(bed, "media/images/" + others + "/").size();
    CdnFixtures.upload(bed, "uploads/" + user.uid() + "/left-over.mp4", new byte[] {1, 2, 3});

    // Batches of 2, one batch per call: the first call stops after two assets and says so.
    JsonObject first = erase(user.uid());
    assertEquals("running", first.get("status").getAsString());
    assertEquals(2, first.get("assetsTakenDown").getAsInt());
    DocumentSnapshot checkpoint = bed.db.collection("cdnErasures").document(user.uid()).get().get();
    assertEquals("running", checkpoint.getString("status"));
    assertNotNull(checkpoint.getString("cursor"));

    JsonObject second = erase(user.uid());
    assertEquals("done", second.get("status").getAsString(), second.toString());
    assertEquals(
        3, second.get("assetsTakenDown").getAsInt(), "resumed after the checkpoint, nothing twice");
    assertEquals(1, second.get("uploadsDeleted").getAsInt());
    for (String id : List.of(a, b, c)) {
      DocumentSnapshot doc = bed.db.collection("cdnAssets").document(id).get().get();
      assertEquals("taken_down", doc.getString("status"), id);
      assertEquals("eraseUserMedia:" + user.uid(), doc.getString("takenDownBy"));
    }
    assertTrue(CdnFixtures.objects(bed, "media/images/" + a + "/").isEmpty());
    assertTrue(
        CdnFixtures.objectsIn(bed, CdnFixtures.UPLOADS, "private/images/" + b + "/").isEmpty());
    assertTrue(
        CdnFixtures.objectsIn(bed, CdnFixtures.UPLOADS, "uploads/" + user.uid() + "/").isEmpty());
    assertEquals(
        othersStored,
        CdnFixtures.objects(bed, "media/images/" + others + "/").size(),
        "another user's media is untouched");
    assertEquals(
        "ready", bed.db.collection("cdnAssets").document(others).get().get().getString("status"));

    // Repeating a finished erasure rescans (in the same bounded steps) and changes nothing.
    int purges = purger.requests().size();
    int calls = 2;
    JsonObject repeat;
    do {
      repeat = erase(user.uid());
      calls++;
      assertEquals(
          0, repeat.get("assetsTakenDown").getAsInt(), "a repeat finds nothing left to do");
    } while ("running".equals(repeat.get("status").getAsString()) && calls < 6);
    assertEquals("done", repeat.get("status").getAsString());
    assertEquals(purges, purger.requests().size());
    List<QueryDocumentSnapshot> audit =
        bed.db
            .collection("adminAuditLog")
            .whereEqualTo("action", "eraseUserMedia")
            .get()
            .get()
            .getDocuments();
    assertEquals(calls, audit.size(), "every call is audited");
  }

  @Test
  void aJobStillProcessingCannotBringATakenDownAssetBack() throws Exception {
    AssetStore store = new AssetStore(bed.db, bed.clock);
    String assetId = "vid_racing";
    assertTrue(
        store
            .startProcessing(
                assetId,
                AssetType.VIDEO,
                user.uid(),
                AssetDetails.stored(AssetType.VIDEO.prefix(assetId, false)),
                VideoJob.claimed("vid_racing-task"))
            .isEmpty());
    assertEquals(200, takedown(admin, assetId).status());

    var late =
        Assertions.assertThrows(
            app.avalo.infra.platform.ApiException.class,
            () ->
                store.saveReady(
                    assetId,
                    AssetType.VIDEO,
                    user.uid(),
                    AssetDetails.NONE,
                    null,
                    List.of(),
                    null));
    assertEquals(app.avalo.infra.platform.Status.NOT_FOUND, late.status());
    store.markFailed(assetId, "the job's own failure path");
    assertEquals(
        "taken_down",
        bed.db.collection("cdnAssets").document(assetId).get().get().getString("status"));
  }
}
