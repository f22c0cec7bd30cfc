package app.avalo.infra.alerting;

import app.avalo.infra.platform.Alerts;
import app.avalo.infra.platform.DocReader;
import app.avalo.infra.platform.Firestores;
import com.google.cloud.firestore.Firestore;
import com.google.cloud.firestore.QueryDocumentSnapshot;
import java.util.List;
import java.util.Map;

/** The open alerts, as inhibit rules see them (read once per notifier pass). */
final class OpenAlerts {
  /** More open alerts than this: the rest cannot inhibit (said in the log). */
  static final int LIMIT = 1000;

  private OpenAlerts() {}

  static List<AlertMessage> read(Firestore db) {
    List<QueryDocumentSnapshot> docs =
        Firestores.await(
                db.collection(Alerts.COLLECTION).whereEqualTo("status", "open").limit(LIMIT).get())
            .getDocuments();
    return docs.stream().map(OpenAlerts::alert).toList();
  }

  private static AlertMessage alert(QueryDocumentSnapshot doc) {
    DocReader d = DocReader.of(doc);
    Map<String, Object> details = AlertMessage.details(d);
    return new AlertMessage(
        "",
        doc.getId(),
        d.string("source"),
        d.string("key"),
        Alerts.Change.OPENED,
        d.enumValue("severity", Alerts.Severity.class),
        d.optionalString("message").orElse(""),
        details,
        AlertMessage.labels(d, details),
        d.instant("openedAt"),
        d.optionalInstant("lastSeen").orElse(d.instant("openedAt")),
        "");
  }
}
