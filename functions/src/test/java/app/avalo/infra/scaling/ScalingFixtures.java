package app.avalo.infra.scaling;

import app.avalo.infra.platform.Alerts;
import app.avalo.infra.platform.Firestores;
import app.avalo.infra.testing.TestBed;
import com.google.cloud.firestore.DocumentSnapshot;
import com.google.gson.JsonObject;
import java.time.Instant;
import java.util.Locale;

/** The scaling domain's setup and look-ups on a {@link TestBed}. */
final class ScalingFixtures {
  private ScalingFixtures() {}

  /** Reports one sample through {@code updateMetrics} (private, plain JSON) and insists on 200. */
  static void report(TestBed bed, String service, double cpu, long instances, double rps)
      throws Exception {
    bed.callPrivateOk(
        new UpdateMetrics(bed.platform, bed.root.scaling()),
        String.format(
            Locale.ROOT,
            """
            {"service":"%s","cpu":%s,"memory":0.5,"rps":%s,"instances":%d}\
            """,
            service,
            cpu,
            rps,
            instances));
  }

  /** Runs {@code evaluateAllServices} as Cloud Scheduler would, for the clock's time. */
  static JsonObject evaluate(TestBed bed) throws Exception {
    return bed.runJobOk(new EvaluateAllServices(bed.platform, bed.root.scaling()));
  }

  /** The decision the scheduled evaluation at {@code scheduledFor} recorded for the service. */
  static DocumentSnapshot event(TestBed bed, String service, Instant scheduledFor) {
    return Firestores.await(
        bed.db
            .collection(ScalingStore.EVENTS)
            .document(
                ScalingEvaluator.scheduledEventId(
                    LogicalService.byId(service).orElseThrow(), scheduledFor))
            .get());
  }

  /** The status ({@code open}, {@code resolved} or {@code none}) of the alert with this key. */
  static String alertStatus(TestBed bed, String key) {
    return Firestores.await(bed.db.collection(Alerts.COLLECTION).get()).getDocuments().stream()
        .filter(d -> key.equals(d.getString("key")))
        .map(d -> d.getString("status"))
        .findFirst()
        .orElse("none");
  }
}
