package app.avalo.infra.cdn;

import static org.junit.jupiter.api.Assertions.assertNotNull;

import app.avalo.infra.platform.App;
import app.avalo.infra.testing.Emulators;
import app.avalo.infra.testing.MutableClock;
import com.google.cloud.firestore.Firestore;
import com.google.cloud.storage.Blob;
import com.google.cloud.storage.BlobId;
import com.google.cloud.storage.BlobInfo;
import com.google.cloud.storage.Storage;
import com.google.cloud.storage.contrib.nio.testing.LocalStorageHelper;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * An App for CDN tests: its own Firestore project on the emulator, in-memory Cloud Storage
 * (LocalStorageHelper), a controllable clock and a recording CDN purger.
 */
final class CdnTestApp {
  static final String BUCKET = "test-media";
  static final String CDN = "https://cdn.avalo.test";

  final Firestore db = Emulators.isolatedFirestore();
  final MutableClock clock = MutableClock.at("2026-11-27T10:00:00Z");
  final Storage storage = LocalStorageHelper.getOptions().getService();
  final RecordingPurger purger = new RecordingPurger();
  final App app;

  CdnTestApp() {
    this(Map.of());
  }

  CdnTestApp(Map<String, String> extraEnv) {
    this(extraEnv, null);
  }

  /** With a specific CDN purger (null: the recording one) and the configured egress source and cost sink. */
  CdnTestApp(Map<String, String> extraEnv, CachePurger customPurger) {
    Map<String, String> env = new HashMap<>(Emulators.env());
    env.put("MEDIA_BUCKET", BUCKET);
    env.put("CDN_BASE_URL", CDN);
    env.putAll(extraEnv);
    app = App.builder(env).firestore(db).clock(clock).storage(storage).build();
    app.module(CdnModule.class, a -> new CdnModule(a, customPurger != null ? customPurger : purger, null, null));
  }

  byte[] object(String path) {
    byte[] bytes = storage.readAllBytes(BlobId.of(BUCKET, path));
    assertNotNull(bytes, path);
    return bytes;
  }

  Blob blob(String path) {
    return storage.get(BlobId.of(BUCKET, path));
  }

  List<String> objects(String prefix) {
    List<String> names = new ArrayList<>();
    storage.list(BUCKET, Storage.BlobListOption.prefix(prefix)).iterateAll().forEach(b -> names.add(b.getName()));
    return names;
  }

  void upload(String path, byte[] bytes) {
    storage.create(BlobInfo.newBuilder(BlobId.of(BUCKET, path)).build(), bytes);
  }
}
