package app.avalo.infra.routing;

import app.avalo.infra.platform.DocReader;
import app.avalo.infra.platform.DocWriter;
import com.google.cloud.firestore.DocumentSnapshot;
import java.util.Map;

/**
 * The checkpoint of one failover operation, {@code failoverOperations/{id}}: the pair of regions,
 * status, cursor, counts and who started it when.
 */
final class FailoverCodec {
  static final String STATUS = "status";
  static final String PARTITIONS = "partitions";
  static final String PARTITION_COLLECTION = "partitions";

  private FailoverCodec() {}

  /** A new operation's document. */
  static Map<String, Object> toDoc(FailoverOperation op) {
    return DocWriter.create()
        .fieldOrNull("fromRegion", op.fromRegion())
        .fieldOrNull("toRegion", op.toRegion())
        .fieldOrNull(STATUS, op.status())
        .fieldOrNull("cursor", op.cursor())
        .fieldOrNull("moved", op.moved())
        .fieldOrNull("batches", op.batches())
        .fieldOrNull("batchSize", (long) op.batchSize())
        .fieldOrNull("startedBy", op.startedBy())
        .fieldOrNull("reason", op.reason())
        .fieldOrNull("startedAt", op.startedAt())
        .fieldOrNull("updatedAt", op.updatedAt())
        .fieldOrNull("finishedAt", op.finishedAt())
        .fieldOrNull(PARTITIONS, (long) op.partitions())
        .map();
  }

  /** A partition document ({@code failoverOperations/{id}/partitions/{index}}). */
  static Map<String, Object> partition(FailoverPartition p) {
    return DocWriter.create()
        .fieldOrNull("index", (long) p.index())
        .fieldOrNull("startAt", p.startAt())
        .fieldOrNull("endBefore", p.endBefore())
        .fieldOrNull("cursor", p.cursor())
        .fieldOrNull("moved", p.moved())
        .fieldOrNull("batches", p.batches())
        .fieldOrNull(STATUS, p.status())
        .fieldOrNull("updatedAt", p.updatedAt())
        .map();
  }

  static FailoverPartition partitionFromDoc(DocumentSnapshot doc) {
    DocReader d = DocReader.of(doc);
    return new FailoverPartition(
        d.optionalLong("index").orElse(0L).intValue(),
        d.optionalString("startAt").orElse(null),
        d.optionalString("endBefore").orElse(null),
        d.optionalString("cursor").orElse(null),
        d.optionalLong("moved").orElse(0L),
        d.optionalLong("batches").orElse(0L),
        d.optionalString(STATUS).orElse(null),
        d.optionalInstant("updatedAt").orElse(null));
  }

  /** The checkpoint a batch advances to; a finished operation also gets its status and end. */
  static Map<String, Object> progress(FailoverOperation op) {
    DocWriter w =
        DocWriter.create()
            .fieldOrNull("cursor", op.cursor())
            .fieldOrNull("moved", op.moved())
            .fieldOrNull("batches", op.batches())
            .fieldOrNull("updatedAt", op.updatedAt());
    if (op.finished()) {
      w.fieldOrNull(STATUS, op.status()).fieldOrNull("finishedAt", op.finishedAt());
    }
    return w.map();
  }

  static FailoverOperation fromDoc(DocumentSnapshot doc) {
    DocReader d = DocReader.of(doc);
    return new FailoverOperation(
        doc.getId(),
        d.optionalString("fromRegion").orElse(null),
        d.optionalString("toRegion").orElse(null),
        d.optionalString(STATUS).orElse(null),
        d.optionalString("cursor").orElse(null),
        d.optionalLong("moved").orElse(0L),
        d.optionalLong("batches").orElse(0L),
        d.optionalLong("batchSize").orElse(0L).intValue(),
        d.optionalString("startedBy").orElse(null),
        d.optionalString("reason").orElse(null),
        d.optionalInstant("startedAt").orElse(null),
        d.optionalInstant("updatedAt").orElse(null),
        d.optionalInstant("finishedAt").orElse(null),
        d.optionalLong(PARTITIONS).orElse(0L).intValue(),
        0);
  }
}
