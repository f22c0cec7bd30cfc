package app.avalo.infra.cost;

import app.avalo.infra.platform.Firestores;
import com.google.cloud.firestore.Firestore;

/** Monthly reports as Firestore documents, {@code costReports/{yyyy-MM}} ({@link ReportCodec}). */
final class ReportStore {
  static final String REPORTS = "costReports";

  private final Firestore db;

  ReportStore(Firestore db) {
    this.db = db;
  }

  void save(BillingPeriod period, MonthlyReporter.Report report, ReportCodec.Objects objects) {
    Firestores.await(
        db.collection(REPORTS).document(period.id()).set(ReportCodec.toDocument(report, objects)));
  }
}
