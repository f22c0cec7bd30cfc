package app.avalo.infra.alerting;

import app.avalo.infra.platform.Alerts;
import app.avalo.infra.platform.Json;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A Slack incoming webhook: {@code POST} of {@code {text, blocks}} (Block Kit: a header, the
 * severity / source / value vs threshold / since as section fields, the message, a dashboard
 * button). Slack answers 200 {@code ok}; 400 {@code invalid_payload}, 403, 404 and 410 (channel
 * gone) are not retried, 429 and 5xx are.
 */
final class SlackReceiver implements Receiver {
  /** Slack's limits: a header's text 150 characters, a section field's 2,000. */
  static final int MAX_HEADER = 150;

  static final int MAX_FIELD = 2000;

  private final URI webhook;
  private final Alerts.Severity minSeverity;
  private final HttpDelivery http;

  SlackReceiver(URI webhook, Alerts.Severity minSeverity, HttpDelivery http) {
    this.webhook = webhook;
    this.minSeverity = minSeverity;
    this.http = http;
  }

  @Override
  public String name() {
    return "slack";
  }

  @Override
  public Alerts.Severity minSeverity() {
    return minSeverity;
  }

  @Override
  public boolean tracksAcknowledgements() {
    return true;
  }

  @Override
  public void deliver(AlertBatch batch) throws DeliveryException {
    http.post(
        name(), webhook, "application/json", Json.write(message(batch.current())), Map.of(), 200);
  }

  record Message(String text, List<Object> blocks) {}

  record Text(String type, String text) {}

  record Header(String type, Text text) {}

  record Section(String type, Text text, List<Text> fields) {}

  record Button(String type, Text text, String url) {}

  record Actions(String type, List<Button> elements) {}

  /** Slack allows 50 blocks per message: a batch shows this many alerts and counts the rest. */
  static final int MAX_ALERTS_SHOWN = 20;

  record Context(String type, List<Text> elements) {}

  /**
   * The webhook body (package-private for the payload tests): one alert as a header and its
   * section, or a batch as a header with the group's count and one section per alert.
   */
  Message message(AlertBatch batch) {
    if (batch.single()) {
      return message(batch.first());
    }
    List<Object> blocks = new ArrayList<>();
    blocks.add(
        new Header(
            "header",
            new Text("plain_text", PagerDutyReceiver.truncate(batch.headline(), MAX_HEADER))));
    List<AlertMessage> alerts = batch.alerts();
    for (AlertMessage m : alerts.subList(0, Math.min(alerts.size(), MAX_ALERTS_SHOWN))) {
      blocks.add(section(m));
    }
    if (alerts.size() > MAX_ALERTS_SHOWN) {
      blocks.add(
          new Context(
              "context",
              List.of(
                  new Text(
                      "mrkdwn",
                      "and " + (alerts.size() - MAX_ALERTS_SHOWN) + " more in the dashboard"))));
    }
    actions(batch.dashboardUrl()).ifPresent(blocks::add);
    return new Message(batch.headline(), blocks);
  }

  private static java.util.Optional<Actions> actions(String dashboardUrl) {
    if (dashboardUrl.isEmpty()) {
      return java.util.Optional.empty();
    }
    return java.util.Optional.of(
        new Actions(
            "actions",
            List.of(new Button("button", new Text("plain_text", "Open dashboard"), dashboardUrl))));
  }

  private Message message(AlertMessage m) {
    List<Object> blocks = new ArrayList<>();
    blocks.add(
        new Header(
            "header",
            new Text(
                "plain_text",
                PagerDutyReceiver.truncate(
                    (m.resolved() ? "Resolved: " : "") + m.source() + " " + m.key(), MAX_HEADER))));
    blocks.add(section(m));
    actions(m.dashboardUrl()).ifPresent(blocks::add);
    return new Message(m.headline(), blocks);
  }

  private static Section section(AlertMessage m) {
    String icon =
        m.resolved()
            ? ":white_check_mark:"
            : m.acknowledged()
                ? ":eyes:"
                : switch (m.severity()) {
                  case CRITICAL -> ":rotating_light:";
                  case WARNING -> ":warning:";
                  case INFO -> ":information_source:";
                };
    List<Text> fields = new ArrayList<>();
    fields.add(field("Severity", m.resolved() ? "resolved" : m.severity().wire()));
    fields.add(field("Source", m.source() + " · " + m.key()));
    Object value = m.details().get("value");
    Object threshold = m.details().get("threshold");
    if (value != null) {
      fields.add(
          field(
              "Value",
              threshold == null ? value.toString() : value + " (threshold " + threshold + ")"));
    }
    fields.add(field("Since", m.openedAt().toString()));
    String text = icon + " " + (m.resolved() ? "Resolved: " : "") + m.message();
    return new Section(
        "section", new Text("mrkdwn", PagerDutyReceiver.truncate(text, MAX_FIELD)), fields);
  }

  private static Text field(String label, String value) {
    return new Text("mrkdwn", PagerDutyReceiver.truncate("*" + label + "*\n" + value, MAX_FIELD));
  }
}
