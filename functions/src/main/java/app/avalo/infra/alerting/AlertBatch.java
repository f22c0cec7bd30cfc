package app.avalo.infra.alerting;

import java.util.List;
import java.util.Map;

/**
 * What one delivery to one receiver carries: the changes of one group's alerts since its last
 * delivery (one alert for routes that group every alert on its own), oldest first.
 *
 * @param groupKey the group's identity, e.g. {@code team:{region="EU",service="chat"}}
 * @param groupLabels the labels the route groups by, with this group's values
 */
record AlertBatch(
    String receiver,
    String groupKey,
    Map<String, String> groupLabels,
    List<AlertMessage> alerts,
    String dashboardUrl) {

  AlertBatch {
    if (alerts.isEmpty()) {
      throw new IllegalArgumentException("a batch carries at least one alert");
    }
    alerts = List.copyOf(alerts);
    groupLabels = Map.copyOf(groupLabels);
  }

  /** A batch of one (payload tests, and routes without grouping). */
  static AlertBatch of(String receiver, AlertMessage m) {
    return new AlertBatch(
        receiver,
        "{}:{alertname=\"" + m.key() + "\",source=\"" + m.source() + "\"}",
        Map.of("source", m.source(), "key", m.key()),
        List.of(m),
        m.dashboardUrl());
  }

  /**
   * The batch with each alert once, at its latest change (oldest alert first): what a message to
   * people shows, as Alertmanager sends an alert's current state. PagerDuty takes every change,
   * since an acknowledge or resolve needs the trigger before it.
   */
  AlertBatch current() {
    java.util.Map<String, AlertMessage> latest = new java.util.LinkedHashMap<>();
    for (AlertMessage m : alerts) {
      latest.remove(m.alertId());
      latest.put(m.alertId(), m);
    }
    if (latest.size() == alerts.size()) {
      return this;
    }
    return new AlertBatch(
        receiver, groupKey, groupLabels, List.copyOf(latest.values()), dashboardUrl);
  }

  AlertMessage first() {
    return alerts.get(0);
  }

  boolean single() {
    return alerts.size() == 1;
  }

  /** The batch's headline: the alert's own, or a count with the group's labels. */
  String headline() {
    if (single()) {
      return first().headline();
    }
    long firing = alerts.stream().filter(a -> !a.resolved()).count();
    long resolved = alerts.size() - firing;
    StringBuilder s = new StringBuilder();
    s.append(alerts.size()).append(" alerts");
    if (firing > 0) {
      s.append(", ").append(firing).append(" firing");
    }
    if (resolved > 0) {
      s.append(", ").append(resolved).append(" resolved");
    }
    StringBuilder labels = new StringBuilder();
    new java.util.TreeMap<>(groupLabels)
        .forEach(
            (k, v) -> {
              if (!v.isEmpty()) {
                labels.append(labels.isEmpty() ? "" : ", ").append(k).append('=').append(v);
              }
            });
    if (!labels.isEmpty()) {
      s.append(" — ").append(labels);
    }
    s.append(": ");
    int shown = Math.min(alerts.size(), 3);
    for (int i = 0; i < shown; i++) {
      s.append(i == 0 ? "" : ", ")
          .append(alerts.get(i).source())
          .append(' ')
          .append(alerts.get(i).key());
    }
    if (alerts.size() > shown) {
      s.append(" and ").append(alerts.size() - shown).append(" more");
    }
    return s.toString();
  }
}
