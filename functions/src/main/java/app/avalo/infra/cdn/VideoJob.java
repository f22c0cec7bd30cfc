package app.avalo.infra.cdn;

import java.time.Instant;

/**
 * The transcode bookkeeping on a video asset: the claim's task name, attempts so far, the progress
 * fraction and when it was enqueued and last attempted.
 */
record VideoJob(
    String transcodeTask,
    Integer attempts,
    Double progress,
    Instant enqueuedAt,
    Instant lastAttemptAt) {

  /** A fresh claim: nothing tried yet. */
  static VideoJob claimed(String task) {
    return new VideoJob(task, 0, 0.0, null, null);
  }

  /** The finished job: progress complete after {@code attempt} attempts. */
  VideoJob finished(int attempt) {
    return new VideoJob(transcodeTask, attempt, 1.0, enqueuedAt, lastAttemptAt);
  }
}
