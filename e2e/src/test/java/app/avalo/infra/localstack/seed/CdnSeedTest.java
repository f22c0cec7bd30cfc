package app.avalo.infra.localstack.seed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.avalo.infra.platform.ApiFunction;
import app.avalo.infra.platform.App;
import app.avalo.infra.platform.Catalog;
import app.avalo.infra.platform.Json;
import app.avalo.infra.testing.AuthEmulator;
import app.avalo.infra.testing.Emulators;
import app.avalo.infra.testing.FakeExchange;
import app.avalo.infra.testing.MutableClock;
import com.google.cloud.firestore.DocumentSnapshot;
import com.google.cloud.firestore.Firestore;
import com.google.cloud.storage.contrib.nio.testing.LocalStorageHelper;
import com.google.gson.JsonElement;
import java.lang.reflect.Constructor;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/** The CDN seed runs through the real functions (in-process here) and is idempotent. */
class CdnSeedTest {
  private final Firestore db = Emulators.isolatedFirestore();
  private final App app;
  private final AuthEmulator.User admin = AuthEmulator.newAdmin();

  CdnSeedTest() {
    Map<String, String> env = new HashMap<>(Emulators.env());
    env.put("MEDIA_BUCKET", "seed-media");
    app =
        App.builder(env)
            .firestore(db)
            .clock(MutableClock.at("2026-11-27T10:20:00Z"))
            .storage(LocalStorageHelper.getOptions().getService())
            .build();
  }

  private final SeedContext context =
      new SeedContext() {
        @Override
        public App app() {
          return app;
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
            Catalog.Entry entry = app.catalog().byName(function).orElseThrow();
            Constructor<?> c =
                Class.forName(entry.entryPoint()).getDeclaredConstructor(Supplier.class);
            c.setAccessible(true);
            Supplier<App> supplier = () -> app;
            var response = exchange.send((ApiFunction) c.newInstance(supplier));
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
