package app.avalo.infra.alerting;

import app.avalo.infra.platform.Alerts;
import app.avalo.infra.platform.Log;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Delivers the outbox ({@code alertNotifications}) to the receivers: each notification is claimed
 * under a lease (two notifiers never deliver the same one at once), sent to every receiver that
 * takes it, and its per-receiver outcome recorded. A failed delivery is retried with exponential
 * backoff; after {@code maxAttempts} (or at once when a retry cannot help) it is dead-lettered and
 * the receiver's own alert {@code alerting / receiver:<name>:failing} is raised, which the other
 * receivers carry. The next successful delivery to that receiver resolves it.
 *
 * <p>Delivery is at least once per receiver: a notifier that dies between a send and its record
 * sends again after the lease expires (PagerDuty deduplicates by {@code dedup_key}).
 */
final class Notifier {
  static final String SOURCE = "alerting";

  private final NotificationStore store;
  private final SilenceStore silences;
  private final List<Receiver> receivers;
  private final Alerts alerts;
  private final AlertingConfig config;
  private final Clock clock;

  Notifier(
      NotificationStore store,
      SilenceStore silences,
      List<Receiver> receivers,
      Alerts alerts,
      AlertingConfig config,
      Clock clock) {
    this.store = store;
    this.silences = silences;
    this.receivers = List.copyOf(receivers);
    this.alerts = alerts;
    this.config = config;
    this.clock = clock;
  }

  static String receiverFailingKey(String receiver) {
    return "receiver:" + receiver + ":failing";
  }

  /** What one run did (the job's summary). */
  record Summary(
      int notifications,
      int delivered,
      int retrying,
      int deadLettered,
      int silenced,
      int skipped,
      int receivers) {}

  /** Delivers everything due, until {@code deadline}. */
  Summary run(Instant deadline) {
    int notifications = 0;
    int delivered = 0;
    int retrying = 0;
    int dead = 0;
    int silenced = 0;
    int skipped = 0;
    List<String> due = store.due(clock.instant(), config.batchSize());
    Pass pass = pass();
    for (String id : due) {
      if (!clock.instant().isBefore(deadline)) {
        break;
      }
      Optional<Outcome> outcome = deliver(id, pass);
      if (outcome.isEmpty()) {
        skipped++;
        continue;
      }
      notifications++;
      silenced += outcome.get().silenced() ? 1 : 0;
      delivered += outcome.get().delivered();
      retrying += outcome.get().retrying();
      dead += outcome.get().dead();
    }
    return new Summary(
        notifications, delivered, retrying, dead, silenced, skipped, receivers.size());
  }

  /** One notification's deliveries in this attempt. */
  record Outcome(int delivered, int retrying, int dead, boolean silenced) {}

  /**
   * What one pass over notifications reads once: the silences active at its start, and the
   * receivers whose failure alert it already resolved (one resolve per receiver and pass, not one
   * per delivery).
   */
  private record Pass(List<Silence> silences, Set<String> resolvedReceivers) {}

  private Pass pass() {
    return new Pass(silences.active(clock.instant()), ConcurrentHashMap.newKeySet());
  }

  /** Delivers one notification if it is due and free; empty when another notifier has it. */
  Optional<Outcome> deliver(String notificationId) {
    return deliver(notificationId, pass());
  }

  private Optional<Outcome> deliver(String notificationId, Pass pass) {
    String holder = UUID.randomUUID().toString();
    Optional<NotificationStore.Claim> claimed =
        store.claim(notificationId, clock.instant(), config.lease(), holder, config.dashboardUrl());
    if (claimed.isEmpty()) {
      return Optional.empty();
    }
    AlertMessage message = claimed.get().message();
    Instant checkedAt = clock.instant();
    Optional<Silence> silence =
        pass.silences().stream()
            .filter(s -> s.activeAt(checkedAt) && s.silences(message))
            .findFirst();
    if (silence.isPresent()) {
      Log.info(
          "alert notification silenced",
          Map.of(
              "notificationId", notificationId,
              "key", message.dedupKey(),
              "silenceId", silence.get().id()));
      store.finishSilenced(notificationId, holder, silence.get().id(), checkedAt);
      return Optional.of(new Outcome(0, 0, 0, true));
    }
    Map<String, DeliveryState> states = new LinkedHashMap<>(claimed.get().receivers());
    int delivered = 0;
    int retrying = 0;
    int dead = 0;
    for (Receiver receiver : receivers) {
      if (!receiver.accepts(message)) {
        continue;
      }
      DeliveryState state = states.getOrDefault(receiver.name(), DeliveryState.NEW);
      Instant now = clock.instant();
      if (!state.dueAt(now)) {
        states.put(receiver.name(), state);
        continue;
      }
      int attempts = state.attempts() + 1;
      try {
        receiver.deliver(message);
        states.put(
            receiver.name(),
            new DeliveryState(DeliveryState.Status.DELIVERED, attempts, null, now, null));
        delivered++;
        Log.info(
            "alert.delivered",
            Map.of(
                "receiver", receiver.name(),
                "notificationId", message.notificationId(),
                "key", message.dedupKey(),
                "change", message.change().wire()));
        if (pass.resolvedReceivers().add(receiver.name())) {
          alerts.resolve(
              SOURCE, receiverFailingKey(receiver.name()), "notifier", "delivered again");
        }
      } catch (DeliveryException e) {
        if (!e.retryable() || attempts >= config.maxAttempts()) {
          states.put(
              receiver.name(),
              new DeliveryState(DeliveryState.Status.DEAD, attempts, null, null, e.getMessage()));
          dead++;
          deadLettered(receiver, message, attempts, e);
        } else {
          Instant next = now.plus(config.backoff(attempts));
          states.put(
              receiver.name(),
              new DeliveryState(
                  DeliveryState.Status.RETRYING, attempts, next, null, e.getMessage()));
          retrying++;
          Log.warn(
              "alert delivery failed; will retry",
              Map.of(
                  "receiver", receiver.name(),
                  "notificationId", message.notificationId(),
                  "attempt", attempts,
                  "nextAttemptAt", next.toString(),
                  "error", e.getMessage()));
        }
      }
    }
    store.finish(notificationId, holder, states, clock.instant());
    return Optional.of(new Outcome(delivered, retrying, dead, false));
  }

  private void deadLettered(Receiver receiver, AlertMessage m, int attempts, DeliveryException e) {
    Log.error(
        "alert delivery dead-lettered",
        Map.of(
            "receiver", receiver.name(),
            "notificationId", m.notificationId(),
            "key", m.dedupKey(),
            "attempts", attempts),
        e);
    if (m.source().equals(SOURCE) && m.key().startsWith("receiver:")) {
      return; // one receiver's failure alert failing elsewhere raises nothing further
    }
    Map<String, Object> details =
        Map.of(
            "receiver", receiver.name(),
            "attempts", attempts,
            "lastError", String.valueOf(e.getMessage()),
            "notificationId", m.notificationId(),
            "undelivered", m.dedupKey());
    alerts.raise(
        SOURCE,
        receiverFailingKey(receiver.name()),
        Alerts.Severity.CRITICAL,
        "Alert receiver " + receiver.name() + " is failing: " + e.getMessage(),
        details);
  }
}
