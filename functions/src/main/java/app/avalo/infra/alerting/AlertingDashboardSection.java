package app.avalo.infra.alerting;

import app.avalo.infra.platform.Alerts;
import app.avalo.infra.platform.DashboardSection;
import app.avalo.infra.platform.Firestores;
import app.avalo.infra.platform.Platform;
import com.google.cloud.Timestamp;
import com.google.cloud.firestore.DocumentSnapshot;
import com.google.cloud.firestore.QueryDocumentSnapshot;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The dashboard's alerting panel (section {@code alerting}): the configured receivers by name
 * (never their URLs, keys or addresses), whether the watchdog is on, the active silences, the
 * acknowledged open alerts, and the notification log: the last {@value #NOTIFICATIONS}
 * notifications with each receiver's state (delivered, retrying, dead-lettered, grouped, …),
 * attempts and last error. Three reads. Values are passed through as stored, so a state this code
 * does not know yet shows as it is.
 */
public final class AlertingDashboardSection implements DashboardSection {
  static final int NOTIFICATIONS = 50;

  /** Open alerts scanned for acknowledgements (open alerts are few; a flood shows the first). */
  static final int OPEN_SCAN = 200;

  private final Platform platform;
  private final AlertingModule module;

  private AlertingDashboardSection(Platform platform, AlertingModule module) {
    this.platform = platform;
    this.module = module;
  }

  /** The section over {@code module} (listed in {@code Root.dashboardSections()}). */
  public static DashboardSection of(Platform platform, AlertingModule module) {
    return new AlertingDashboardSection(platform, module);
  }

  record Panel(
      List<String> receivers,
      boolean watchdog,
      List<ActiveSilence> silences,
      List<AcknowledgedAlert> acknowledged,
      Map<String, Long> notificationsByStatus,
      List<Notification> notifications) {}

  /** A silence not yet ended; {@code active} false while it has not started. */
  record ActiveSilence(
      String id,
      List<Object> matchers,
      Instant startsAt,
      Instant endsAt,
      boolean active,
      String createdBy,
      String comment) {}

  record AcknowledgedAlert(
      String alertId,
      String source,
      String key,
      String severity,
      Instant acknowledgedAt,
      String acknowledgedBy,
      String note) {}

  record Notification(
      String id,
      String alertId,
      String source,
      String key,
      String change,
      String severity,
      String message,
      Instant at,
      String status,
      String silencedBy,
      String groupId,
      Instant finishedAt,
      List<ReceiverState> receivers) {}

  record ReceiverState(
      String name,
      String status,
      Long attempts,
      Instant nextAttemptAt,
      Instant deliveredAt,
      String lastError,
      String groupId) {}

  @Override
  public Panel snapshot() {
    Instant now = platform.clock().instant();
    List<String> receivers = module.receivers().stream().map(Receiver::name).toList();
    List<ActiveSilence> silences = silences(now);
    List<AcknowledgedAlert> acknowledged = acknowledged();
    List<Notification> notifications =
        module.store().recent(NOTIFICATIONS).stream()
            .map(AlertingDashboardSection::notification)
            .toList();
    Map<String, Long> byStatus = new TreeMap<>();
    for (Notification n : notifications) {
      byStatus.merge(n.status() == null ? "unknown" : n.status(), 1L, Long::sum);
    }
    return new Panel(
        receivers,
        module.config().watchdog().isPresent(),
        silences,
        acknowledged,
        byStatus,
        notifications);
  }

  private List<ActiveSilence> silences(Instant now) {
    return module.silences().active(now).stream()
        .map(
            x ->
                new ActiveSilence(
                    x.id(),
                    x.matchers().stream().<Object>map(Matcher::write).toList(),
                    x.startsAt(),
                    x.endsAt(),
                    !x.startsAt().isAfter(now),
                    x.createdBy(),
                    x.comment()))
        .sorted(Comparator.comparing(ActiveSilence::endsAt))
        .toList();
  }

  private List<AcknowledgedAlert> acknowledged() {
    List<QueryDocumentSnapshot> docs =
        Firestores.await(
                platform
                    .firestore()
                    .collection(Alerts.COLLECTION)
                    .whereEqualTo("status", "open")
                    .limit(OPEN_SCAN)
                    .get())
            .getDocuments();
    List<AcknowledgedAlert> out = new ArrayList<>();
    for (QueryDocumentSnapshot doc : docs) {
      Instant at = instant(doc.get("acknowledgedAt"));
      if (at != null) {
        out.add(
            new AcknowledgedAlert(
                doc.getId(),
                string(doc.get("source")),
                string(doc.get("key")),
                string(doc.get("severity")),
                at,
                string(doc.get("acknowledgedBy")),
                string(doc.get("acknowledgementNote"))));
      }
    }
    out.sort(Comparator.comparing(AcknowledgedAlert::acknowledgedAt).reversed());
    return out;
  }

  private static Notification notification(DocumentSnapshot doc) {
    List<ReceiverState> receivers = new ArrayList<>();
    if (doc.get("receivers") instanceof Map<?, ?> map) {
      for (Map.Entry<?, ?> e : new TreeMap<>(map).entrySet()) {
        Map<?, ?> s = e.getValue() instanceof Map<?, ?> m ? m : Map.of();
        receivers.add(
            new ReceiverState(
                String.valueOf(e.getKey()),
                string(s.get("status")),
                s.get("attempts") instanceof Number n ? n.longValue() : null,
                instant(s.get("nextAttemptAt")),
                instant(s.get("deliveredAt")),
                string(s.get("lastError")),
                string(s.get("groupId"))));
      }
    }
    return new Notification(
        doc.getId(),
        string(doc.get("alertId")),
        string(doc.get("source")),
        string(doc.get("key")),
        string(doc.get("change")),
        string(doc.get("severity")),
        string(doc.get("message")),
        instant(doc.get("at")),
        string(doc.get("status")),
        string(doc.get("silencedBy")),
        string(doc.get("groupId")),
        instant(doc.get("finishedAt")),
        receivers);
  }

  private static String string(Object v) {
    return v == null ? null : String.valueOf(v);
  }

  private static Instant instant(Object v) {
    return v instanceof Timestamp t ? Firestores.instant(t) : null;
  }
}
