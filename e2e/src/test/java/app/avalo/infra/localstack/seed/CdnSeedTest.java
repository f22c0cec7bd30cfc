package app.avalo.infra.localstack.seed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.avalo.infra.Root;
import app.avalo.infra.platform.Json;
import app.avalo.infra.testing.AuthEmulator;
import app.avalo.infra.testing.FakeExchange;
import app.avalo.infra.testing.TestBed;
import com.google.cloud.firestore.DocumentSnapshot;
import com.google.cloud.firestore.Firestore;
import com.google.gson.JsonElement;
import org.junit.jupiter.api.Test;

/** The CDN seed runs through the real functions (in-process here) and is idempotent. */
class CdnSeedTest {
  private final TestBed bed =
      TestBed.builder().at("2026-11-27T10:20:00Z").env("MEDIA_BUCKET", "seed-media").build();
  private final Firestore db = bed.db;
  private final AuthEmulator.User admin = TestBed.admin();

  private final SeedContext context =
      new SeedContext() {
        @Override
        public Root root() {
          return bed.root;
        }

        @Override
        public String baseUrl() {
          return "http://127.0.0.1:0";
        }

        @Override
        public JsonElement callAsAdmin(String function, String dataJson) {
          var response = call(function, FakeExchange.post().bearer(admin.idToken()).data(dataJson));
          return response.result();
        }

        @Override
        public JsonElement callPrivate(String function, String bodyJson) {
          return call(function, FakeExchange.post().body(bodyJson)).json();
        }

        private FakeExchange.Response call(String function, FakeExchange exchange) {
          try {
            var response = exchange.send(bed.function(function));
            assertEquals(200, response.status(), function + ": " + response.body());
            return response;
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
        }
      };

  @Test
  void seedFillsTheCdnViewsOnceAndOnlyOnce() throws Exception {
    CdnSeed seed = new CdnSeed();
    seed.seed(context);

    DocumentSnapshot latest = db.collection("cdnMetrics").document("latest").get().get();
    assertEquals(2L, latest.getLong("assets"));
    assertTrue(latest.getLong("bytes") > 10_000, Json.write(latest.getData()));
    long egressDocs = db.collection("cdnEgress").get().get().size();
    assertEquals(24 * 3 * 4, egressDocs);
    long hours = db.collection("cdnBandwidth").get().get().size();
    assertEquals(6, hours);
    assertTrue(
        db.collection("cdnBandwidth").document("2026112709").get().get().getLong("totalBytes") > 0);

    long hourBytes =
        db.collection("cdnBandwidth").document("2026112709").get().get().getLong("totalBytes");

    seed.seed(context);

    assertEquals(2, db.collection("cdnAssets").get().get().size(), "images are not uploaded twice");
    assertEquals(egressDocs, db.collection("cdnEgress").get().get().size());
    assertEquals(
        hourBytes,
        db.collection("cdnBandwidth").document("2026112709").get().get().getLong("totalBytes"),
        "egress is not recorded twice");
    assertEquals(2L, db.collection("cdnMetrics").document("latest").get().get().getLong("assets"));
  }
}
