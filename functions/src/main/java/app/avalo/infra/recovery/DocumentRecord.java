package app.avalo.infra.recovery;

import java.util.Map;

/**
 * One Firestore document as a backup holds it: its collection, id, owning entity (null when the
 * owner field is missing or not a string) and its fields as the Java client represents them.
 */
record DocumentRecord(String collection, String id, String owner, Map<String, Object> fields) {
  /** The key a document has across collections: {@code collection/id}. */
  String path() {
    return collection + "/" + id;
  }
}
