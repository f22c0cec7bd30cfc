package app.avalo.infra.alerting;

import app.avalo.infra.platform.ApiException;
import app.avalo.infra.platform.DocReader;
import app.avalo.infra.platform.DocWriter;
import app.avalo.infra.platform.Firestores;
import com.google.cloud.firestore.DocumentReference;
import com.google.cloud.firestore.DocumentSnapshot;
import com.google.cloud.firestore.Firestore;
import java.time.Instant;
import java.util.List;

/** {@code alertSilences/{id}} and its codec. */
final class SilenceStore {
  static final String COLLECTION = "alertSilences";

  /** More active silences than this is a mistake worth refusing, not a list to scan. */
  static final int MAX_ACTIVE = 200;

  private final Firestore db;

  SilenceStore(Firestore db) {
    this.db = db;
  }

  Silence create(Silence.Request r, String by, Instant now) {
    if (active(now).size() >= MAX_ACTIVE) {
      throw ApiException.failedPrecondition(
          "already " + MAX_ACTIVE + " active silences; expire some first");
    }
    DocumentReference ref = db.collection(COLLECTION).document();
    Silence s =
        new Silence(ref.getId(), r.matchers(), now, now.plus(r.duration()), by, r.comment());
    Firestores.await(ref.create(write(s)));
    return s;
  }

  /** Ends a silence now; false if it had already ended. NOT_FOUND for an unknown id. */
  boolean expire(String id, String by, Instant now) {
    DocumentReference ref = db.collection(COLLECTION).document(id);
    return Firestores.await(
        db.runTransaction(
            tx -> {
              DocumentSnapshot doc = tx.get(ref).get();
              if (!doc.exists()) {
                throw ApiException.notFound("no silence " + id);
              }
              Silence s = read(doc);
              if (!s.endsAt().isAfter(now)) {
                return false;
              }
              tx.update(ref, DocWriter.create().field("endsAt", now).field("expiredBy", by).map());
              return true;
            }));
  }

  /** The silences not yet ended (they may start later). */
  List<Silence> active(Instant now) {
    return Firestores.await(
            db.collection(COLLECTION)
                .whereGreaterThan("endsAt", Firestores.timestamp(now))
                .limit(MAX_ACTIVE)
                .get())
        .getDocuments()
        .stream()
        .map(SilenceStore::read)
        .toList();
  }

  private static java.util.Map<String, Object> write(Silence s) {
    return DocWriter.create()
        .field("matchers", s.matchers().stream().map(Matcher::write).toList())
        .field("startsAt", s.startsAt())
        .field("endsAt", s.endsAt())
        .field("createdBy", s.createdBy())
        .field("comment", s.comment())
        .map();
  }

  static Silence read(DocumentSnapshot doc) {
    DocReader d = DocReader.of(doc);
    return new Silence(
        doc.getId(),
        d.maps("matchers").stream().map(Matcher::read).toList(),
        d.instant("startsAt"),
        d.instant("endsAt"),
        d.optionalString("createdBy").orElse(""),
        d.optionalString("comment").orElse(""));
  }
}
