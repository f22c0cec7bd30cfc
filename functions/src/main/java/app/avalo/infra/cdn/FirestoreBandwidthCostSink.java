package app.avalo.infra.cdn;

import app.avalo.infra.platform.Firestores;
import com.google.cloud.firestore.Firestore;
import com.google.cloud.firestore.WriteBatch;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Keeps bandwidth cost inputs in {@code cdnBandwidthCosts/{recordId}} (idempotent overwrite) until
 * the cost domain's ledger is wired in as the sink.
 */
final class FirestoreBandwidthCostSink implements BandwidthCostSink {
  private static final int BATCH = 400;

  private final Firestore db;
  private final Clock clock;

  FirestoreBandwidthCostSink(Firestore db, Clock clock) {
    this.db = db;
    this.clock = clock;
  }

  @Override
  public String name() {
    return "firestore";
  }

  @Override
  public void record(List<Usage> usages) {
    for (int i = 0; i < usages.size(); i += BATCH) {
      WriteBatch batch = db.batch();
      for (Usage u : usages.subList(i, Math.min(usages.size(), i + BATCH))) {
        Map<String, Object> doc = new HashMap<>();
        doc.put("service", u.service());
        doc.put("region", u.region());
        doc.put("assetType", u.assetType());
        doc.put("bytes", u.bytes());
        doc.put("periodStart", Firestores.timestamp(u.periodStart()));
        doc.put("periodEnd", Firestores.timestamp(u.periodEnd()));
        doc.put("recordedAt", Firestores.timestamp(clock.instant()));
        batch.set(db.collection(CdnCollections.BANDWIDTH_COSTS).document(u.recordId()), doc);
      }
      Firestores.await(batch.commit());
    }
  }
}
