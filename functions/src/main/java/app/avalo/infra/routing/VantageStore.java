package app.avalo.infra.routing;

import app.avalo.infra.platform.Firestores;
import com.google.cloud.firestore.DocumentSnapshot;
import com.google.cloud.firestore.Firestore;
import com.google.cloud.firestore.QueryDocumentSnapshot;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Firestore access for the vantages' reports ({@code regionVantages/{vantage}}, {@link
 * VantageCodec}). Each vantage writes only its own document, so the checkers never contend; every
 * vantage reads them all (at most one per region) to decide by quorum.
 */
final class VantageStore {
  static final String VANTAGES = "regionVantages";

  private final Firestore db;

  VantageStore(Firestore db) {
    this.db = db;
  }

  Optional<VantageReport> find(String vantage) {
    DocumentSnapshot doc = Firestores.await(db.collection(VANTAGES).document(vantage).get());
    return doc.exists() ? Optional.of(VantageCodec.fromDoc(doc)) : Optional.empty();
  }

  List<VantageReport> loadAll() {
    List<VantageReport> reports = new ArrayList<>();
    for (QueryDocumentSnapshot doc :
        Firestores.await(db.collection(VANTAGES).get()).getDocuments()) {
      reports.add(VantageCodec.fromDoc(doc));
    }
    reports.sort((a, b) -> a.vantage().compareTo(b.vantage()));
    return reports;
  }

  void save(VantageReport report) {
    Firestores.await(
        db.collection(VANTAGES).document(report.vantage()).set(VantageCodec.toDoc(report)));
  }
}
