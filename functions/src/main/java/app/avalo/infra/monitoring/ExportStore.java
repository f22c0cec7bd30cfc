package app.avalo.infra.monitoring;

import app.avalo.infra.platform.DocReader;
import app.avalo.infra.platform.DocWriter;
import app.avalo.infra.platform.Firestores;
import com.google.cloud.firestore.DocumentReference;
import com.google.cloud.firestore.DocumentSnapshot;
import com.google.cloud.firestore.Firestore;
import java.time.Instant;
import java.util.Optional;

/**
 * The export checkpoint, {@code metricExports/state}: written by {@code exportMetrics} only (one
 * run at a time under the job lease), once per successful call and once per run at most otherwise.
 */
final class ExportStore {
  static final String COLLECTION = "metricExports";
  static final String STATE = "state";

  private final Firestore db;

  ExportStore(Firestore db) {
    this.db = db;
  }

  /**
   * How far the export has got.
   *
   * @param next the start of the first minute not yet completely exported
   * @param pointsDone points of minute {@code next} already written (in {@link ExportPoint#ORDER}),
   *     when a minute needs more than one call
   * @param descriptors the version of the metric descriptors last created
   * @param failingSince when the current run of failed calls began; null while healthy
   * @param lastError the last failure's status and message; null while healthy
   * @param skippedTooOld minutes skipped so far because Cloud Monitoring would refuse them as too
   *     old
   */
  record State(
      Instant next,
      int pointsDone,
      String descriptors,
      Instant failingSince,
      String lastError,
      long skippedTooOld) {
    State advancedTo(Instant minute, int done) {
      return new State(minute, done, descriptors, null, null, skippedTooOld);
    }

    State withDescriptors(String version) {
      return new State(next, pointsDone, version, failingSince, lastError, skippedTooOld);
    }

    State failing(Instant since, String error) {
      return new State(
          next,
          pointsDone,
          descriptors,
          failingSince == null ? since : failingSince,
          error,
          skippedTooOld);
    }

    State skipped(Instant to, long minutes) {
      return new State(to, 0, descriptors, failingSince, lastError, skippedTooOld + minutes);
    }
  }

  Optional<State> read() {
    DocumentSnapshot doc = Firestores.await(ref().get());
    if (!doc.exists()) {
      return Optional.empty();
    }
    DocReader d = DocReader.of(doc);
    return Optional.of(
        new State(
            d.instant("next"),
            (int) d.optionalLong("pointsDone").orElse(0L).longValue(),
            d.optionalString("descriptors").orElse(null),
            d.optionalInstant("failingSince").orElse(null),
            d.optionalString("lastError").orElse(null),
            d.optionalLong("skippedTooOld").orElse(0L)));
  }

  void write(State state, Instant now) {
    Firestores.await(
        ref()
            .set(
                DocWriter.create()
                    .field("next", state.next())
                    .field("pointsDone", state.pointsDone())
                    .field("descriptors", state.descriptors())
                    .field("failingSince", state.failingSince())
                    .field("lastError", state.lastError())
                    .field("skippedTooOld", state.skippedTooOld())
                    .field("updatedAt", now)
                    .map()));
  }

  private DocumentReference ref() {
    return db.collection(COLLECTION).document(STATE);
  }
}
