package app.avalo.infra.routing;

import java.time.Instant;

/**
 * One key range of a failover operation's users ({@code
 * failoverOperations/{id}/partitions/{index}}): the users pinned to the source region whose uid is
 * in {@code [startAt, endBefore)}, moved by one worker at a time in checkpointed batches.
 *
 * @param startAt first uid of the range (inclusive); null for the first range
 * @param endBefore end of the range (exclusive); null for the last range
 * @param cursor uid of the last user moved; the next batch starts after it
 * @param moved users this partition moved (exact: committed with each batch)
 */
record FailoverPartition(
    int index,
    String startAt,
    String endBefore,
    String cursor,
    long moved,
    long batches,
    String status,
    Instant updatedAt) {

  boolean finished() {
    return FailoverOperation.COMPLETED.equals(status);
  }
}
