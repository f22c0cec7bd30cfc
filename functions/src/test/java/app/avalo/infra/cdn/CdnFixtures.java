package app.avalo.infra.cdn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import app.avalo.infra.platform.Json;
import app.avalo.infra.testing.FakeExchange;
import app.avalo.infra.testing.TestBed;
import com.google.cloud.storage.Blob;
import com.google.cloud.storage.BlobId;
import com.google.cloud.storage.BlobInfo;
import com.google.cloud.storage.Storage;
import com.google.gson.JsonObject;
import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * CDN setup and checks on a {@link TestBed}: the media and upload buckets and the CDN base URL, the
 * purger and transcode queue a test watches, and the objects in the in-memory buckets.
 */
final class CdnFixtures {
  static final String BUCKET = "test-media";

  /** The private bucket: uploaded originals and private media. */
  static final String UPLOADS = "test-uploads";

  static final String CDN = "https://cdn.avalo.test";

  private CdnFixtures() {}

  /**
   * A bed with the CDN's buckets and base URL, {@code purger} as the CDN and {@code tasks} as the
   * transcode queue (add {@code .env(…)} or {@code .storageView(…)} before {@code build()}).
   */
  static TestBed.Builder bed(CachePurger purger, QueuedTasks tasks) {
    return TestBed.builder()
        .env(Map.of("MEDIA_BUCKET", BUCKET, "UPLOAD_BUCKET", UPLOADS, "CDN_BASE_URL", CDN))
        .cdn(a -> a.withPurger(purger).withQueue(tasks));
  }

  /**
   * Delivers the queued transcode tasks to transcodeVideo as the queue would (retries included).
   */
  static List<FakeExchange.Response> transcodeQueued(TestBed bed, QueuedTasks tasks)
      throws Exception {
    CdnModule cdn = bed.root.cdn();
    return tasks.drain(
        new TranscodeVideo(bed.platform, cdn), cdn.config().videoTranscodeMaxAttempts());
  }

  /** Public media ({@code media/…}) is in the media bucket, everything else in the private one. */
  static String bucketOf(String path) {
    return path.startsWith("media/") ? BUCKET : UPLOADS;
  }

  static byte[] object(TestBed bed, String path) {
    byte[] bytes = bed.storage.readAllBytes(BlobId.of(bucketOf(path), path));
    assertNotNull(bytes, path);
    return bytes;
  }

  static Blob blob(TestBed bed, String path) {
    return bed.storage.get(BlobId.of(bucketOf(path), path));
  }

  /**
   * Objects under {@code prefix} in the bucket the prefix belongs to ("" lists the media bucket).
   */
  static List<String> objects(TestBed bed, String prefix) {
    return objectsIn(bed, prefix.isEmpty() ? BUCKET : bucketOf(prefix), prefix);
  }

  static List<String> objectsIn(TestBed bed, String bucket, String prefix) {
    List<String> names = new ArrayList<>();
    bed.storage
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
  static String signedObject(TestBed bed, String url) {
    URI uri = URI.create(url);
    LocalUrlSigner signer = new LocalUrlSigner(bed.platform.config().projectId());
    assertEquals(Optional.empty(), signer.verify("GET", uri, Map.of(), "", Instant.now()), url);
    LocalUrlSigner.Grant grant = LocalUrlSigner.grantOf(uri, "", null).orElseThrow();
    assertEquals(UPLOADS, grant.bucket(), "private media is in the private bucket");
    return grant.object();
  }

  /**
   * A request body from field names and values ({@code json("path", path, "visibility",
   * "private")}): strings, numbers, booleans and lists of strings, in the order given.
   */
  static String json(Object... namesAndValues) {
    if (namesAndValues.length % 2 != 0) {
      throw new IllegalArgumentException("names and values come in pairs");
    }
    JsonObject body = new JsonObject();
    for (int i = 0; i < namesAndValues.length; i += 2) {
      body.add((String) namesAndValues[i], Json.toTree(namesAndValues[i + 1]));
    }
    return body.toString();
  }

  /** An original as the app uploads it: into the private upload bucket. */
  static void upload(TestBed bed, String path, byte[] bytes) {
    bed.storage.create(BlobInfo.newBuilder(BlobId.of(UPLOADS, path)).build(), bytes);
  }
}
