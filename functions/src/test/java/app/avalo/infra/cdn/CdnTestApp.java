package app.avalo.infra.cdn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import app.avalo.infra.platform.Platform;
import app.avalo.infra.testing.FakeExchange;
import app.avalo.infra.testing.MutableClock;
import app.avalo.infra.testing.TestBed;
import com.google.cloud.firestore.Firestore;
import com.google.cloud.storage.Blob;
import com.google.cloud.storage.BlobId;
import com.google.cloud.storage.BlobInfo;
import com.google.cloud.storage.Storage;
import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * An Platform for CDN tests: its own Firestore project on the emulator, in-memory Cloud Storage
 * (LocalStorageHelper), a controllable clock and a recording CDN purger.
 */
final class CdnTestApp {
  static final String BUCKET = "test-media";

  /** The private bucket: uploaded originals and private media. */
  static final String UPLOADS = "test-uploads";

  static final String CDN = "https://cdn.avalo.test";

  final TestBed bed;
  final Firestore db;
  final MutableClock clock;
  final Storage storage;
  final CdnModule cdn;
  final RecordingPurger purger = new RecordingPurger();

  /** The transcode queue: tasks uploadVideo enqueued, delivered by {@link #transcodeQueued}. */
  final QueuedTasks tasks = new QueuedTasks();

  final Platform app;

  CdnTestApp() {
    this(Map.of());
  }

  CdnTestApp(Map<String, String> extraEnv) {
    this(extraEnv, null);
  }

  /**
   * With a specific CDN purger (null: the recording one) and the configured egress source and cost
   * sink.
   */
  CdnTestApp(Map<String, String> extraEnv, CachePurger customPurger) {
    this(extraEnv, customPurger, UnaryOperator.identity());
  }

  /**
   * With the functions seeing {@code storage} through {@code storageView} (e.g. one that fails some
   * writes).
   */
  CdnTestApp(
      Map<String, String> extraEnv, CachePurger customPurger, UnaryOperator<Storage> storageView) {
    this.bed =
        TestBed.builder()
            .env(Map.of("MEDIA_BUCKET", BUCKET, "UPLOAD_BUCKET", UPLOADS, "CDN_BASE_URL", CDN))
            .env(extraEnv)
            .storageView(storageView)
            .cdn(a -> a.withPurger(customPurger != null ? customPurger : purger).withQueue(tasks))
            .build();
    this.db = bed.db;
    this.clock = bed.clock;
    this.storage = bed.storage;
    this.app = bed.platform;
    this.cdn = bed.root.cdn();
  }

  /**
   * Delivers the queued transcode tasks to transcodeVideo as the queue would (retries included).
   */
  List<FakeExchange.Response> transcodeQueued() throws Exception {
    return tasks.drain(new TranscodeVideo(app, cdn), cdn.config().videoTranscodeMaxAttempts());
  }

  /** Public media ({@code media/…}) is in the media bucket, everything else in the private one. */
  static String bucketOf(String path) {
    return path.startsWith("media/") ? BUCKET : UPLOADS;
  }

  byte[] object(String path) {
    byte[] bytes = storage.readAllBytes(BlobId.of(bucketOf(path), path));
    assertNotNull(bytes, path);
    return bytes;
  }

  Blob blob(String path) {
    return storage.get(BlobId.of(bucketOf(path), path));
  }

  /**
   * Objects under {@code prefix} in the bucket the prefix belongs to ("" lists the media bucket).
   */
  List<String> objects(String prefix) {
    return objectsIn(prefix.isEmpty() ? BUCKET : bucketOf(prefix), prefix);
  }

  List<String> objectsIn(String bucket, String prefix) {
    List<String> names = new ArrayList<>();
    storage
        .list(bucket, Storage.BlobListOption.prefix(prefix))
        .iterateAll()
        .forEach(b -> names.add(b.getName()));
    return names;
  }

  /**
   * Checks that {@code url} is a valid V4 signed URL of the private bucket (its signature verified
   * with the public key of the deterministic local signer, rebuilt here from the project id) and
   * returns the object path it grants.
   */
  String signedObject(String url) {
    URI uri = URI.create(url);
    LocalUrlSigner signer = new LocalUrlSigner(app.config().projectId());
    assertEquals(Optional.empty(), signer.verify("GET", uri, Map.of(), "", Instant.now()), url);
    LocalUrlSigner.Grant grant = LocalUrlSigner.grantOf(uri, "", null).orElseThrow();
    assertEquals(UPLOADS, grant.bucket(), "private media is in the private bucket");
    return grant.object();
  }

  /** An original as the app uploads it: into the private upload bucket. */
  void upload(String path, byte[] bytes) {
    storage.create(BlobInfo.newBuilder(BlobId.of(UPLOADS, path)).build(), bytes);
  }
}
