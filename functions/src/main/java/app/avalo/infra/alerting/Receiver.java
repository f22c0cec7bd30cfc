package app.avalo.infra.alerting;

import app.avalo.infra.platform.Alerts;

/**
 * Somewhere alerts are delivered (PagerDuty, Slack, email, SMS, a webhook). {@link #deliver} sends
 * a batch of alert changes (a group's, see {@link RoutingTree}) in the receiver's documented
 * payload format, or throws {@link DeliveryException} saying whether a retry can help.
 */
interface Receiver {
  /** The receiver's name in routing, notification records and its own failure alert. */
  String name();

  /** The least severe alert it is told about (resolutions follow the alert's severity). */
  Alerts.Severity minSeverity();

  /** Sends one group's waiting changes (one alert or many) in one delivery where it can. */
  void deliver(AlertBatch batch) throws DeliveryException;

  /** Whether it is told that someone acknowledged an alert (PagerDuty, Slack). */
  default boolean tracksAcknowledgements() {
    return false;
  }

  default boolean accepts(AlertMessage message) {
    if (message.acknowledged() && !tracksAcknowledgements()) {
      return false;
    }
    if (message.source().equals(Notifier.SOURCE)
        && message.key().equals(Notifier.receiverFailingKey(name()))) {
      return false; // a failing receiver is not told that it is failing
    }
    return message.severity().rank() >= minSeverity().rank();
  }
}
