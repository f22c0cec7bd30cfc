package app.avalo.infra.recovery;

import java.time.Instant;
import java.util.Map;

/**
 * The state an entity is restored to: its documents at a past read time, in a backup, or in the
 * archive an earlier recovery took (restoring that undoes the recovery).
 *
 * @param type {@code pitr}, {@code backup} or {@code archive}
 * @param documents by {@link DocumentRecord#path()}
 */
record RestorePoint(String type, String id, Instant asOf, Map<String, DocumentRecord> documents) {}
