package app.avalo.infra.routing;

import java.time.Instant;

/**
 * Progress of one bulk move of pinned users from one region to another ({@code
 * failoverOperations/{id}}).
 *
 * @param cursor unused by partitioned operations (each partition keeps its own cursor); kept for
 *     operations started before partitioning
 * @param moved users moved so far: the sum of the partitions' exact counts (each batch commits its
 *     moves and its partition's count together)
 * @param partitions how many key ranges of the users the operation's workers move in parallel
 * @param partitionsDone how many of them are finished
 */
public record FailoverOperation(
    String id,
    String fromRegion,
    String toRegion,
    String status,
    String cursor,
    long moved,
    long batches,
    int batchSize,
    String startedBy,
    String reason,
    Instant startedAt,
    Instant updatedAt,
    Instant finishedAt,
    int partitions,
    int partitionsDone) {

  public static final String RUNNING = "running";
  public static final String COMPLETED = "completed";

  public boolean finished() {
    return COMPLETED.equals(status);
  }

  /** This operation with the progress of its partitions. */
  FailoverOperation withProgress(long moved, long batches, int partitionsDone, Instant updatedAt) {
    return new FailoverOperation(
        id,
        fromRegion,
        toRegion,
        status,
        cursor,
        moved,
        batches,
        batchSize,
        startedBy,
        reason,
        startedAt,
        updatedAt,
        finishedAt,
        partitions,
        partitionsDone);
  }

  /** This operation, completed at {@code at}. */
  FailoverOperation completed(Instant at) {
    return new FailoverOperation(
        id,
        fromRegion,
        toRegion,
        COMPLETED,
        cursor,
        moved,
        batches,
        batchSize,
        startedBy,
        reason,
        startedAt,
        at,
        at,
        partitions,
        partitionsDone);
  }
}
