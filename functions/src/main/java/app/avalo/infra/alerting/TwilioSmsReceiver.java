package app.avalo.infra.alerting;

import app.avalo.infra.platform.Alerts;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * SMS through Twilio's Messages API: {@code POST
 * {base}/2010-04-01/Accounts/{AccountSid}/Messages.json}, form-encoded {@code To}, {@code From},
 * {@code Body}, HTTP Basic auth with the account SID and auth token; 201 is success (Twilio queues
 * the message). One message per configured number; by default only critical alerts.
 */
final class TwilioSmsReceiver implements Receiver {
  /** Two SMS segments at most: an alert text, not a report. */
  static final int MAX_BODY = 300;

  private final URI messages;
  private final String authorization;
  private final String from;
  private final List<String> to;
  private final Alerts.Severity minSeverity;
  private final HttpDelivery http;

  TwilioSmsReceiver(
      URI apiBase,
      String accountSid,
      String authToken,
      String from,
      List<String> to,
      Alerts.Severity minSeverity,
      HttpDelivery http) {
    this.messages =
        HttpDelivery.under(apiBase, "2010-04-01/Accounts/" + accountSid + "/Messages.json");
    this.authorization =
        "Basic "
            + Base64.getEncoder()
                .encodeToString((accountSid + ":" + authToken).getBytes(StandardCharsets.UTF_8));
    this.from = from;
    this.to = List.copyOf(to);
    this.minSeverity = minSeverity;
    this.http = http;
  }

  @Override
  public String name() {
    return "sms";
  }

  @Override
  public Alerts.Severity minSeverity() {
    return minSeverity;
  }

  @Override
  public void deliver(AlertBatch batch) throws DeliveryException {
    for (String number : to) {
      http.post(
          name(),
          messages,
          "application/x-www-form-urlencoded",
          form(Map.of("To", number, "From", from, "Body", body(batch.current()))),
          Map.of("Authorization", authorization),
          201);
    }
  }

  /** One alert's headline, or the batch's count and its first alert's headline. */
  static String body(AlertBatch batch) {
    String text =
        batch.single()
            ? batch.first().headline()
            : batch.headline() + ": " + batch.first().headline();
    return PagerDutyReceiver.truncate("Avalo " + text, MAX_BODY);
  }

  private static String form(Map<String, String> fields) {
    StringBuilder out = new StringBuilder();
    fields.forEach(
        (k, v) -> {
          if (out.length() > 0) {
            out.append('&');
          }
          out.append(URLEncoder.encode(k, StandardCharsets.UTF_8))
              .append('=')
              .append(URLEncoder.encode(v, StandardCharsets.UTF_8));
        });
    return out.toString();
  }
}
