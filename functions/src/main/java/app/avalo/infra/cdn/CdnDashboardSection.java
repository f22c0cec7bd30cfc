package app.avalo.infra.cdn;

import app.avalo.infra.platform.DashboardSection;
import app.avalo.infra.platform.Firestores;
import app.avalo.infra.platform.Platform;
import com.google.cloud.firestore.DocumentSnapshot;
import java.util.LinkedHashMap;
import java.util.Map;

/** The CDN's part of the admin overview: the latest metrics snapshot (one document read). */
final class CdnDashboardSection implements DashboardSection {
  private final Platform platform;

  CdnDashboardSection(Platform platform) {
    this.platform = platform;
  }

  @Override
  public Object snapshot() {
    DocumentSnapshot latest =
        Firestores.await(
            platform
                .firestore()
                .collection(CdnCollections.METRICS)
                .document(CdnMetrics.LATEST)
                .get());
    Map<String, Object> out = new LinkedHashMap<>();
    if (!latest.exists()) {
      out.put("status", "no metrics yet");
      return out;
    }
    Map<String, Object> data = CdnMetrics.plain(latest.getData());
    out.put("at", data.get("windowEnd"));
    out.put("assets", data.get("assets"));
    out.put("bytes", data.get("bytes"));
    out.put("variants", data.get("variants"));
    out.put("failed", data.get("failed"));
    out.put("processing", data.get("processing"));
    out.put("byType", data.get("byType"));
    out.put("egress", data.get("egress"));
    return out;
  }
}
