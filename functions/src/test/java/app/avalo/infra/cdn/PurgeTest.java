package app.avalo.infra.cdn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.avalo.infra.testing.AuthEmulator;
import app.avalo.infra.testing.Emulators;
import app.avalo.infra.testing.FakeExchange;
import app.avalo.infra.testing.TestBed;
import com.google.cloud.firestore.QueryDocumentSnapshot;
import java.net.URI;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class PurgeTest {
  private final RecordingPurger purger = new RecordingPurger();
  private final QueuedTasks tasks = new QueuedTasks();
  @RegisterExtension final TestBed bed = CdnFixtures.bed(purger, tasks).build();
  private final AuthEmulator.User admin = AuthEmulator.newAdmin();
  private final AuthEmulator.User user = AuthEmulator.newUser();

  private String uploadImage() throws Exception {
    var response =
        FakeExchange.post()
            .bearer(user.idToken())
            .data(
                CdnFixtures.json(
                    "data",
                    Base64.getEncoder()
                        .encodeToString(MediaFixtures.jpeg(MediaFixtures.quadrants(700, 500)))))
            .send(new UploadImage(bed.platform, bed.root.cdn()));
    assertEquals(200, response.status(), response.body());
    return response.result().getAsJsonObject().get("assetId").getAsString();
  }

  @Test
  void purgeCacheInvalidatesEveryUrlOfTheAssetAndIsAudited() throws Exception {
    String assetId = uploadImage();
    List<String> objects = CdnFixtures.objects(bed, "media/images/" + assetId + "/");

    var response =
        FakeExchange.post()
            .bearer(admin.idToken())
            .data(CdnFixtures.json("assetId", assetId))
            .send(new PurgeCache(bed.platform, bed.root.cdn()));

    assertEquals(200, response.status(), response.body());
    assertEquals("recording", response.result().getAsJsonObject().get("adapter").getAsString());
    CachePurger.PurgeRequest request = purger.requests().get(0);
    assertEquals(
        objects.stream().map(p -> URI.create(CdnFixtures.CDN + "/" + p)).sorted().toList(),
        request.urls().stream().sorted().toList());
    assertEquals(
        List.of(URI.create(CdnFixtures.CDN + "/media/images/" + assetId + "/")),
        request.prefixes());
    assertFalse(request.everything());
    List<QueryDocumentSnapshot> purges = bed.db.collection("cdnPurges").get().get().getDocuments();
    assertEquals(1, purges.size());
    assertEquals("asset", purges.get(0).getString("kind"));
    assertEquals(assetId, purges.get(0).getString("assetId"));
    List<QueryDocumentSnapshot> audit =
        bed.db
            .collection("adminAuditLog")
            .whereEqualTo("action", "purgeCache")
            .get()
            .get()
            .getDocuments();
    assertEquals(1, audit.size());
    assertEquals(admin.uid(), audit.get(0).getString("actorUid"));
  }

  @Test
  void purgeCacheOfUnknownAssetIsNotFoundAndUsersCannotPurge() throws Exception {
    var missing =
        FakeExchange.post()
            .bearer(admin.idToken())
            .data(CdnFixtures.json("assetId", "img_nope"))
            .send(new PurgeCache(bed.platform, bed.root.cdn()));
    assertEquals(404, missing.status(), missing.body());
    var notAdmin =
        FakeExchange.post()
            .bearer(user.idToken())
            .data(CdnFixtures.json("assetId", "img_nope"))
            .send(new PurgeCache(bed.platform, bed.root.cdn()));
    assertEquals(403, notAdmin.status(), notAdmin.body());
    assertTrue(purger.requests().isEmpty());
  }

  @Test
  void purgeAllNeedsConfirmationAndIsRateLimited() throws Exception {
    long writes = Emulators.firestoreWriteCount();
    var unconfirmed =
        FakeExchange.post()
            .bearer(admin.idToken())
            .data(CdnFixtures.json("reason", "deploy"))
            .send(new PurgeAllCache(bed.platform, bed.root.cdn()));
    assertEquals(400, unconfirmed.status(), unconfirmed.body());
    var wrong =
        FakeExchange.post()
            .bearer(admin.idToken())
            .data(CdnFixtures.json("confirm", "yes", "reason", "deploy"))
            .send(new PurgeAllCache(bed.platform, bed.root.cdn()));
    assertEquals(400, wrong.status(), wrong.body());
    assertTrue(wrong.errorMessage().contains("purge-all-cache"), wrong.errorMessage());
    assertEquals(
        writes, Emulators.firestoreWriteCount(), "refused requests write nothing (not even audit)");
    assertTrue(purger.requests().isEmpty());

    String ok = CdnFixtures.json("confirm", "purge-all-cache", "reason", "bad CSS shipped");
    var first =
        FakeExchange.post()
            .bearer(admin.idToken())
            .data(ok)
            .send(new PurgeAllCache(bed.platform, bed.root.cdn()));
    assertEquals(200, first.status(), first.body());
    assertTrue(purger.requests().get(0).everything());

    bed.clock.advance(Duration.ofMinutes(4));
    var tooSoon =
        FakeExchange.post()
            .bearer(admin.idToken())
            .data(ok)
            .send(new PurgeAllCache(bed.platform, bed.root.cdn()));
    assertEquals(429, tooSoon.status(), tooSoon.body());
    assertEquals("RESOURCE_EXHAUSTED", tooSoon.errorStatus());
    assertEquals(
        360,
        tooSoon
            .json()
            .getAsJsonObject("error")
            .getAsJsonObject("details")
            .get("retryAfterSeconds")
            .getAsLong());
    assertEquals(1, purger.requests().size());

    bed.clock.advance(Duration.ofMinutes(6));
    var later =
        FakeExchange.post()
            .bearer(admin.idToken())
            .data(ok)
            .send(new PurgeAllCache(bed.platform, bed.root.cdn()));
    assertEquals(200, later.status(), later.body());
    assertEquals(2, purger.requests().size());
    assertEquals(2, bed.db.collection("cdnPurges").whereEqualTo("kind", "all").get().get().size());
    List<QueryDocumentSnapshot> audit =
        bed.db
            .collection("adminAuditLog")
            .whereEqualTo("action", "purgeAllCache")
            .get()
            .get()
            .getDocuments();
    assertEquals(3, audit.size(), "two purges and the rate-limited attempt are audited");
  }

  @Test
  void failedCdnCallGivesTheRateLimitSlotBack() throws Exception {
    CachePurger broken =
        new CachePurger() {
          private int calls;

          @Override
          public String name() {
            return "broken";
          }

          @Override
          public PurgeResult purge(PurgeRequest request) {
            if (calls++ == 0) {
              throw new IllegalStateException("edge said no");
            }
            return new PurgeResult(name(), List.of("op-1"));
          }
        };
    TestBed failing = CdnFixtures.bed(broken, tasks).build();
    var app = failing.platform;
    String ok = CdnFixtures.json("confirm", "purge-all-cache", "reason", "retry");

    var first =
        FakeExchange.post()
            .bearer(admin.idToken())
            .data(ok)
            .send(new PurgeAllCache(app, failing.root.cdn()));
    assertEquals(503, first.status(), first.body());
    assertTrue(first.errorMessage().contains("edge said no"), first.errorMessage());
    var retry =
        FakeExchange.post()
            .bearer(admin.idToken())
            .data(ok)
            .send(new PurgeAllCache(app, failing.root.cdn()));
    assertEquals(200, retry.status(), retry.body());
  }
}
