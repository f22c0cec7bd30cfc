package app.avalo.infra.cdn;

import app.avalo.infra.platform.WireEnum;
import java.time.Instant;
import java.util.Locale;

/**
 * The progress and checkpoint of eraseUserMedia for one user, {@code cdnErasures/{userId}}: totals
 * so far, the id of the last asset handled ({@code cursor}, null once done) and how many calls it
 * took.
 */
record Erasure(
    String userId,
    Status status,
    Instant startedAt,
    long assetsTakenDown,
    long objectsDeleted,
    long uploadsDeleted,
    String cursor,
    long runs,
    Instant updatedAt,
    Instant finishedAt) {

  enum Status implements WireEnum {
    RUNNING,
    DONE;

    @Override
    public String wire() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** A new erasure (or a repeat after one finished), {@code runs} counted on from before. */
  static Erasure start(String userId, Instant at, long runs) {
    return new Erasure(userId, Status.RUNNING, at, 0, 0, 0, null, runs, null, null);
  }

  /** One more call working on it. */
  Erasure nextRun() {
    return new Erasure(
        userId,
        Status.RUNNING,
        startedAt,
        assetsTakenDown,
        objectsDeleted,
        uploadsDeleted,
        cursor,
        runs + 1,
        updatedAt,
        finishedAt);
  }

  /** After one batch of assets: the totals grown, the cursor moved. */
  Erasure afterBatch(long takenDown, long objects, String cursor, Instant at) {
    return new Erasure(
        userId,
        status,
        startedAt,
        assetsTakenDown + takenDown,
        objectsDeleted + objects,
        uploadsDeleted,
        cursor,
        runs,
        at,
        finishedAt);
  }

  Erasure withUploadsDeleted(long uploads) {
    return new Erasure(
        userId,
        status,
        startedAt,
        assetsTakenDown,
        objectsDeleted,
        uploadsDeleted + uploads,
        cursor,
        runs,
        updatedAt,
        finishedAt);
  }

  Erasure withCursor(String cursor) {
    return new Erasure(
        userId,
        status,
        startedAt,
        assetsTakenDown,
        objectsDeleted,
        uploadsDeleted,
        cursor,
        runs,
        updatedAt,
        finishedAt);
  }

  Erasure done(Instant at) {
    return new Erasure(
        userId,
        Status.DONE,
        startedAt,
        assetsTakenDown,
        objectsDeleted,
        uploadsDeleted,
        null,
        runs,
        updatedAt,
        at);
  }

  Erasure touched(Instant at) {
    return new Erasure(
        userId,
        status,
        startedAt,
        assetsTakenDown,
        objectsDeleted,
        uploadsDeleted,
        cursor,
        runs,
        at,
        finishedAt);
  }

  /** What eraseUserMedia answers. */
  Progress progress() {
    return new Progress(
        userId, status.wire(), assetsTakenDown, objectsDeleted, uploadsDeleted, runs);
  }

  /** The answer of one eraseUserMedia call: {@code running} until {@code done}. */
  record Progress(
      String userId,
      String status,
      long assetsTakenDown,
      long objectsDeleted,
      long uploadsDeleted,
      long runs) {}
}
