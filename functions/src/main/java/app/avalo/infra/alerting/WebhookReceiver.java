package app.avalo.infra.alerting;

import app.avalo.infra.platform.Alerts;
import app.avalo.infra.platform.Json;
import app.avalo.infra.platform.Sha256;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A generic webhook in Alertmanager's webhook format (version 4: {@code status}, {@code
 * groupLabels}, {@code commonLabels}, {@code alerts[]} with labels, annotations, {@code startsAt},
 * {@code endsAt}, {@code fingerprint}), so anything that consumes Alertmanager can consume Avalo.
 * Each request is signed: {@code X-Avalo-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of
 * "<t>.<body>">} with the shared secret, so a receiver can check origin and reject replays. Any 2xx
 * is success.
 */
final class WebhookReceiver implements Receiver {
  static final String SIGNATURE_HEADER = "X-Avalo-Signature";

  /** Alertmanager writes the zero time for "not ended". */
  static final String NOT_ENDED = "0001-01-01T00:00:00Z";

  private final URI url;
  private final byte[] secret;
  private final Alerts.Severity minSeverity;
  private final HttpDelivery http;

  WebhookReceiver(URI url, String secret, Alerts.Severity minSeverity, HttpDelivery http) {
    this.url = url;
    this.secret = secret.getBytes(StandardCharsets.UTF_8);
    this.minSeverity = minSeverity;
    this.http = http;
  }

  @Override
  public String name() {
    return "webhook";
  }

  @Override
  public Alerts.Severity minSeverity() {
    return minSeverity;
  }

  @Override
  public void deliver(AlertBatch batch) throws DeliveryException {
    String body = Json.write(message(batch.current()));
    long t = batch.alerts().get(batch.alerts().size() - 1).at().getEpochSecond();
    http.post(
        name(),
        url,
        "application/json",
        body,
        Map.of(SIGNATURE_HEADER, "t=" + t + ",v1=" + sign(secret, t + "." + body)),
        200,
        201,
        202,
        204);
  }

  record Message(
      String version,
      String groupKey,
      int truncatedAlerts,
      String status,
      String receiver,
      Map<String, String> groupLabels,
      Map<String, String> commonLabels,
      Map<String, String> commonAnnotations,
      String externalURL,
      List<Alert> alerts) {}

  record Alert(
      String status,
      Map<String, String> labels,
      Map<String, String> annotations,
      String startsAt,
      String endsAt,
      String generatorURL,
      String fingerprint) {}

  /**
   * The webhook body (package-private for the payload tests): the group's alerts, its group labels,
   * and the labels and annotations all its alerts share. {@code status} is {@code firing} while any
   * alert in it is.
   */
  Message message(AlertBatch batch) {
    List<Alert> alerts = batch.alerts().stream().map(this::alert).toList();
    boolean firing = alerts.stream().anyMatch(a -> a.status().equals("firing"));
    return new Message(
        "4",
        batch.groupKey(),
        0,
        firing ? "firing" : "resolved",
        name(),
        new TreeMap<>(batch.groupLabels()),
        common(alerts.stream().map(Alert::labels).toList()),
        common(alerts.stream().map(Alert::annotations).toList()),
        batch.dashboardUrl(),
        alerts);
  }

  private Alert alert(AlertMessage m) {
    Map<String, String> labels = new TreeMap<>(m.labels());
    labels.put("alertname", m.key());
    labels.put("source", m.source());
    labels.put("severity", m.severity().wire());
    Map<String, String> annotations =
        new TreeMap<>(Map.of("summary", m.message(), "change", m.change().wire()));
    m.details().forEach((k, v) -> annotations.put("detail_" + k, String.valueOf(v)));
    return new Alert(
        m.resolved() ? "resolved" : "firing",
        labels,
        annotations,
        m.openedAt().toString(),
        m.resolved() ? m.at().toString() : NOT_ENDED,
        m.dashboardUrl(),
        fingerprint(m.dedupKey()));
  }

  /** The entries every map has with the same value. */
  private static Map<String, String> common(List<Map<String, String>> maps) {
    Map<String, String> out = new TreeMap<>(maps.get(0));
    for (Map<String, String> m : maps.subList(1, maps.size())) {
      out.entrySet().removeIf(e -> !e.getValue().equals(m.get(e.getKey())));
    }
    return out;
  }

  /** Alertmanager's fingerprints are 16 hex digits; ours hash the dedup key. */
  static String fingerprint(String dedupKey) {
    return Sha256.hex(dedupKey).substring(0, 16);
  }

  static String sign(byte[] secret, String content) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret, "HmacSHA256"));
      return HexFormat.of().formatHex(mac.doFinal(content.getBytes(StandardCharsets.UTF_8)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is missing from this JVM", e);
    }
  }
}
