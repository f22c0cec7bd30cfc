package app.avalo.infra.platform;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The codec of the job runner's documents, {@code jobRuns/{job}@{scheduledFor}} and {@code
 * jobLeases/{job}~{generation}}: the only place their field names are written.
 */
final class JobDocs {
  private JobDocs() {}

  static Map<String, Object> running(
      String job, Instant scheduledFor, Instant startedAt, long attempt, String leaseHolder) {
    return DocWriter.create()
        .field("job", job)
        .field("scheduledFor", scheduledFor)
        .field("startedAt", startedAt)
        .fieldOrNull("finishedAt", null)
        .field("outcome", "running")
        .field("attempts", attempt)
        .field("leaseHolder", leaseHolder)
        .map();
  }

  static Map<String, Object> failed(Instant at, String error, Map<String, Object> progress) {
    return DocWriter.create()
        .field("finishedAt", at)
        .field("outcome", "failed")
        .field("error", error)
        .field("summary", new LinkedHashMap<>(progress))
        .map();
  }

  static Map<String, Object> succeeded(Instant at, Map<String, Object> summary) {
    return DocWriter.create()
        .field("finishedAt", at)
        .field("outcome", "succeeded")
        .field("summary", summary)
        .map();
  }

  static Map<String, Object> lease(
      String job, long generation, String holder, Instant acquiredAt, Duration ttl) {
    return DocWriter.create()
        .field("job", job)
        .field("generation", generation)
        .field("holder", holder)
        .field("acquiredAt", acquiredAt)
        .field("expiresAt", acquiredAt.plus(ttl))
        .field("released", false)
        .map();
  }
}
