package app.avalo.infra.recovery;

import com.google.cloud.firestore.DocumentSnapshot;
import com.google.cloud.firestore.FieldPath;
import java.util.Arrays;
import java.util.Optional;

/**
 * The collections every backup holds, and the entity that owns each document. A backup groups a
 * collection's documents into shards by the hash of the owner, so one entity's documents are in
 * exactly one shard per collection.
 *
 * <p>Owners: {@code users}, {@code wallet}, {@code chats}, {@code calls}, {@code supportTickets},
 * {@code aiSessions}, {@code events} are owned by their own document id; {@code walletTransactions}
 * and {@code payments} by their {@code userId} field; {@code messages} by their {@code chatId}
 * field. All are top-level collections (the emulator has no collection-group queries, and
 * subcollections cannot be discovered without ListCollectionIds, so they are not backed up).
 */
enum CriticalCollection {
  USERS("users", null),
  WALLET("wallet", null),
  WALLET_TRANSACTIONS("walletTransactions", "userId"),
  CHATS("chats", null),
  MESSAGES("messages", "chatId"),
  CALLS("calls", null),
  SUPPORT_TICKETS("supportTickets", null),
  AI_SESSIONS("aiSessions", null),
  EVENTS("events", null),
  PAYMENTS("payments", "userId");

  private final String collection;
  private final String ownerField;

  CriticalCollection(String collection, String ownerField) {
    this.collection = collection;
    this.ownerField = ownerField;
  }

  /** The Firestore collection name. */
  String collection() {
    return collection;
  }

  /** The field naming the owner, or null when the document id is the owner. */
  String ownerField() {
    return ownerField;
  }

  /** How the manifest describes the owner key: {@code documentId} or {@code field:userId}. */
  String ownerKeyDescription() {
    return ownerField == null ? "documentId" : "field:" + ownerField;
  }

  /** The owner of a document, or null when its owner field is missing or not a string. */
  String ownerOf(DocumentSnapshot doc) {
    if (ownerField == null) {
      return doc.getId();
    }
    Object value = doc.get(FieldPath.of(ownerField));
    return value instanceof String s && !s.isEmpty() ? s : null;
  }

  static Optional<CriticalCollection> byName(String collection) {
    return Arrays.stream(values()).filter(c -> c.collection.equals(collection)).findFirst();
  }
}
