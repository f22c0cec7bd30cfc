package app.avalo.infra.alerting;

import app.avalo.infra.platform.ApiException;
import app.avalo.infra.platform.DocReader;
import app.avalo.infra.platform.DocWriter;
import app.avalo.infra.platform.Fields;
import app.avalo.infra.platform.Firestores;
import app.avalo.infra.platform.Json;
import app.avalo.infra.platform.Log;
import com.google.cloud.firestore.DocumentReference;
import com.google.cloud.firestore.DocumentSnapshot;
import com.google.cloud.firestore.Firestore;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code alertRouting/config}: the routing tree and inhibit rules, with a {@code version} that
 * every edit bumps (an edit names the version it read, so two admins cannot overwrite each other
 * unseen). While the document does not exist, {@link RoutingTree#DEFAULT} applies; a document that
 * no longer parses (edited by hand) is reported and the default applies.
 */
final class RoutingStore {
  static final String COLLECTION = "alertRouting";
  static final String DOC = "config";

  private final Firestore db;

  RoutingStore(Firestore db) {
    this.db = db;
  }

  /**
   * The routing in force and where it comes from ({@code stored}, {@code default}, {@code
   * invalid}).
   */
  record Current(
      RoutingTree tree,
      String origin,
      long version,
      Instant updatedAt,
      String updatedBy,
      String problem) {}

  Current read() {
    DocumentSnapshot doc = Firestores.await(ref().get());
    if (!doc.exists()) {
      return new Current(RoutingTree.DEFAULT, "default", 0, null, null, null);
    }
    DocReader d = DocReader.of(doc);
    long version = d.optionalLong("version").orElse(0L);
    try {
      Map<String, Object> shape = new LinkedHashMap<>();
      shape.put("route", d.map("route").values());
      if (doc.get("inhibitRules") != null) {
        shape.put("inhibitRules", doc.get("inhibitRules"));
      }
      RoutingTree tree = RoutingTree.read(Fields.of(Json.toTree(shape)));
      return new Current(
          tree,
          "stored",
          version,
          d.optionalInstant("updatedAt").orElse(null),
          d.optionalString("updatedBy").orElse(null),
          null);
    } catch (ApiException | IllegalStateException e) {
      Log.error(
          "alertRouting/config does not parse; the default routing applies",
          Map.of("error", String.valueOf(e.getMessage())),
          e);
      return new Current(RoutingTree.DEFAULT, "invalid", version, null, null, e.getMessage());
    }
  }

  /**
   * Stores {@code tree} if the stored version is {@code expectedVersion} (0: nothing stored yet);
   * FAILED_PRECONDITION naming the current version otherwise. Returns the new version.
   */
  long write(RoutingTree tree, long expectedVersion, String by, Instant now) {
    DocumentReference ref = ref();
    return Firestores.await(
        db.runTransaction(
            tx -> {
              DocumentSnapshot doc = tx.get(ref).get();
              long current =
                  doc.exists() ? DocReader.of(doc).optionalLong("version").orElse(0L) : 0L;
              if (current != expectedVersion) {
                throw ApiException.failedPrecondition(
                    "the routing changed meanwhile: it is at version "
                        + current
                        + ", the edit was based on "
                        + expectedVersion
                        + "; read it again (getAlertRouting) and redo the edit");
              }
              Map<String, Object> fields = new LinkedHashMap<>(tree.write());
              fields.putAll(
                  DocWriter.create()
                      .field("version", current + 1)
                      .field("updatedAt", now)
                      .field("updatedBy", by)
                      .map());
              tx.set(ref, fields);
              return current + 1;
            }));
  }

  private DocumentReference ref() {
    return db.collection(COLLECTION).document(DOC);
  }
}
