package app.avalo.infra.platform;

import com.google.cloud.firestore.Firestore;
import com.google.gson.JsonElement;
import java.time.Clock;
import java.util.Map;

/**
 * Writes one {@code adminAuditLog} record per admin action: who, what, with which arguments, how it
 * ended.
 */
public final class AuditLog {
  public static final String COLLECTION = "adminAuditLog";
  private static final int MAX_ARGUMENTS_CHARS = 10_000;

  private final Firestore db;
  private final Clock clock;

  AuditLog(Firestore db, Clock clock) {
    this.db = db;
    this.clock = clock;
  }

  public void record(Caller caller, String action, JsonElement arguments, String outcome) {
    String args = arguments == null ? "null" : Json.write(arguments);
    if (args.length() > MAX_ARGUMENTS_CHARS) {
      args = args.substring(0, MAX_ARGUMENTS_CHARS) + "…(truncated)";
    }
    Map<String, Object> doc =
        DocWriter.create()
            .fieldOrNull("actorUid", caller.uid())
            .fieldOrNull("actorEmail", caller.email())
            .field("action", action)
            .field("arguments", args)
            .fieldOrNull("outcome", outcome)
            .field("at", clock.instant())
            .map();
    Firestores.await(db.collection(COLLECTION).document().create(doc));
  }
}
