package app.avalo.infra.routing;

import java.time.Instant;

/**
 * Progress of one bulk move of pinned users from one region to another ({@code
 * failoverOperations/{id}}).
 *
 * @param cursor id of the last user moved; the next batch starts after it
 * @param moved users moved so far (exact: each batch commits its moves and this count together)
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
    Instant finishedAt) {

  public static final String RUNNING = "running";
  public static final String COMPLETED = "completed";

  public boolean finished() {
    return COMPLETED.equals(status);
  }
}
