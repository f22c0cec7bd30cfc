package app.avalo.infra.alerting;

import app.avalo.infra.platform.Alerts;
import app.avalo.infra.platform.Log;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Delivers the outbox ({@code alertNotifications}) in two steps, as Alertmanager does:
 *
 * <ol>
 *   <li><b>Route</b>: each notification is claimed under a lease (two notifiers never handle the
 *       same one at once), dropped if an active silence matches it or an open alert inhibits it,
 *       and otherwise put into one group per receiver its routes reach ({@link RoutingTree}).
 *   <li><b>Flush</b>: a group that is due ({@code groupWait} after its first change, then at most
 *       every {@code groupInterval}) is claimed under a lease and its waiting changes go to the
 *       receiver as one batch. A failed delivery is retried with exponential backoff; after {@code
 *       maxAttempts} (or at once when a retry cannot help) it is dead-lettered and the receiver's
 *       own alert {@code alerting / receiver:<name>:failing} is raised, which the other receivers
 *       carry. The next successful delivery to that receiver resolves it.
 * </ol>
 *
 * <p>Delivery is at least once per receiver: a notifier that dies between a send and its record
 * sends again after the lease expires (PagerDuty deduplicates by {@code dedup_key}).
 */
final class Notifier {
  static final String SOURCE = "alerting";

  private final NotificationStore store;
  private final GroupStore groups;
  private final SilenceStore silences;
  private final RoutingStore routing;
  private final Supplier<List<AlertMessage>> openAlerts;
  private final Map<String, Receiver> receivers;
  private final Alerts alerts;
  private final AlertingConfig config;
  private final Clock clock;

  Notifier(
      NotificationStore store,
      GroupStore groups,
      SilenceStore silences,
      RoutingStore routing,
      Supplier<List<AlertMessage>> openAlerts,
      List<Receiver> receivers,
      Alerts alerts,
      AlertingConfig config,
      Clock clock) {
    this.store = store;
    this.groups = groups;
    this.silences = silences;
    this.routing = routing;
    this.openAlerts = openAlerts;
    Map<String, Receiver> byName = new LinkedHashMap<>();
    receivers.forEach(r -> byName.put(r.name(), r));
    this.receivers = Map.copyOf(byName);
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
      int routed,
      int silenced,
      int inhibited,
      int suppressed,
      int skipped,
      int batches,
      int delivered,
      int retrying,
      int deadLettered,
      int errors,
      int receivers) {}

  /** Counts of one run, filled as it goes (by the run's parallel handlers). */
  private static final class Tally {
    final AtomicInteger notifications = new AtomicInteger();
    final AtomicInteger routed = new AtomicInteger();
    final AtomicInteger silenced = new AtomicInteger();
    final AtomicInteger inhibited = new AtomicInteger();
    final AtomicInteger suppressed = new AtomicInteger();
    final AtomicInteger skipped = new AtomicInteger();
    final AtomicInteger batches = new AtomicInteger();
    final AtomicInteger delivered = new AtomicInteger();
    final AtomicInteger retrying = new AtomicInteger();
    final AtomicInteger dead = new AtomicInteger();
    final AtomicInteger errors = new AtomicInteger();

    Summary summary(int receivers) {
      return new Summary(
          notifications.get(),
          routed.get(),
          silenced.get(),
          inhibited.get(),
          suppressed.get(),
          skipped.get(),
          batches.get(),
          delivered.get(),
          retrying.get(),
          dead.get(),
          errors.get(),
          receivers);
    }
  }

  /**
   * What one pass reads once: the routing, the silences active at its start, the open alerts (for
   * inhibition, read when first needed), and the receivers whose failure alert it already resolved
   * (one resolve per receiver and pass, not one per delivery).
   */
  private final class Pass {
    final RoutingTree tree = routing.read().tree();
    final List<Silence> silenced = silences.active(clock.instant());
    final Set<String> resolvedReceivers = ConcurrentHashMap.newKeySet();
    private List<AlertMessage> open;

    synchronized List<AlertMessage> open() {
      if (open == null) {
        open = tree.inhibitRules().isEmpty() ? List.of() : openAlerts.get();
      }
      return open;
    }
  }

  /**
   * Routes a page ({@code batchSize}) of due notifications, then flushes the groups due, and again
   * until neither has anything new or {@code deadline}: a backlog drains in one run, not one page a
   * minute, and delivery starts after the first page instead of after the whole backlog is routed.
   */
  Summary run(Instant deadline) {
    Tally tally = new Tally();
    Pass pass = new Pass();
    Set<String> routed = new HashSet<>();
    Set<String> flushed = new HashSet<>();
    boolean more = true;
    while (more && clock.instant().isBefore(deadline)) {
      boolean routedAny =
          page(
              store.due(clock.instant(), config.batchSize()),
              routed,
              deadline,
              id -> route(id, pass, tally),
              "notificationId",
              tally);
      boolean flushedAny =
          page(
              groups.due(clock.instant(), config.batchSize()),
              flushed,
              deadline,
              id -> flush(id, pass, tally),
              "groupId",
              tally);
      more = routedAny || flushedAny;
    }
    return tally.summary(receivers.size());
  }

  /**
   * Handles the ids of one page not yet handled in this run (a record a failure left due is not
   * retried in a loop), {@code parallelism} at a time (each id is claimed under its own lease, so
   * the handlers never share a record), until {@code deadline}; false when there were none.
   */
  private boolean page(
      List<String> due,
      Set<String> handled,
      Instant deadline,
      Consumer<String> handle,
      String idField,
      Tally tally) {
    List<String> fresh = due.stream().filter(handled::add).toList();
    Semaphore slots = new Semaphore(config.parallelism());
    try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
      for (String id : fresh) {
        slots.acquireUninterruptibly();
        if (!clock.instant().isBefore(deadline)) {
          slots.release();
          break;
        }
        pool.execute(
            () -> {
              try {
                handle.accept(id);
              } catch (RuntimeException e) {
                failedToHandle(idField, id, e, tally);
              } finally {
                slots.release();
              }
            });
      }
    }
    return !fresh.isEmpty();
  }

  /**
   * One notification or group that cannot be handled (e.g. a record that no longer parses) is
   * logged and left for its lease to expire; it does not hold up the others.
   */
  private static void failedToHandle(String what, String id, RuntimeException e, Tally tally) {
    tally.errors.incrementAndGet();
    Log.error("alert delivery step failed; the others go on", Map.of(what, id), e);
  }

  /**
   * Routes one notification and delivers the groups it made due at once (the kick right after an
   * alert change; routes that wait for {@code groupWait} are flushed by a later run).
   */
  Summary deliver(String notificationId) {
    Tally tally = new Tally();
    Pass pass = new Pass();
    for (String groupId : route(notificationId, pass, tally)) {
      flush(groupId, pass, tally);
    }
    return tally.summary(receivers.size());
  }

  /** Routes one notification if it is due and free; returns the groups due now. */
  private List<String> route(String notificationId, Pass pass, Tally tally) {
    String holder = UUID.randomUUID().toString();
    Instant now = clock.instant();
    Optional<NotificationStore.Claim> claimed =
        store.claim(notificationId, now, config.lease(), holder, config.dashboardUrl());
    if (claimed.isEmpty()) {
      tally.skipped.incrementAndGet();
      return List.of();
    }
    tally.notifications.incrementAndGet();
    AlertMessage m = claimed.get().message();
    Optional<Silence> silence =
        pass.silenced.stream().filter(s -> s.activeAt(now) && s.silences(m)).findFirst();
    if (silence.isPresent()) {
      Log.info(
          "alert notification silenced",
          Map.of(
              "notificationId",
              notificationId,
              "key",
              m.dedupKey(),
              "silenceId",
              silence.get().id()));
      store.finishMuted(notificationId, holder, "silenced", silence.get().id(), now);
      tally.silenced.incrementAndGet();
      return List.of();
    }
    if (!m.resolved() && !m.acknowledged()) {
      Optional<AlertMessage> inhibitor = pass.tree.inhibitor(m, pass.open());
      if (inhibitor.isPresent()) {
        Log.info(
            "alert notification inhibited",
            Map.of(
                "notificationId",
                notificationId,
                "key",
                m.dedupKey(),
                "inhibitedBy",
                inhibitor.get().dedupKey()));
        store.finishMuted(notificationId, holder, "inhibited", inhibitor.get().dedupKey(), now);
        tally.inhibited.incrementAndGet();
        return List.of();
      }
    }
    Map<String, DeliveryState> states = new LinkedHashMap<>(claimed.get().receivers());
    List<String> dueNow = new ArrayList<>();
    for (RoutingTree.Target target : pass.tree.targets(m)) {
      Receiver receiver = receivers.get(target.receiver());
      if (receiver == null || !receiver.accepts(m)) {
        continue; // not configured in this runtime, or not one it takes
      }
      DeliveryState state = states.get(receiver.name());
      if (state != null && state.routed()) {
        continue; // routed by an earlier attempt that did not get to record it
      }
      GroupStore.Added added = groups.add(target, m, now);
      states.put(receiver.name(), added.state());
      if (added.flushAt() == null) {
        tally.suppressed.incrementAndGet();
      } else if (!added.flushAt().isAfter(now)) {
        dueNow.add(added.groupId());
      }
    }
    store.finish(notificationId, holder, states, clock.instant());
    tally.routed.incrementAndGet();
    return dueNow;
  }

  /** Delivers a due group's waiting changes as one batch, if nobody else is. */
  private void flush(String groupId, Pass pass, Tally tally) {
    String holder = UUID.randomUUID().toString();
    Optional<GroupStore.Claim> claimed =
        groups.claim(groupId, clock.instant(), config.lease(), holder, config.dashboardUrl());
    if (claimed.isEmpty()) {
      return;
    }
    tally.batches.incrementAndGet();
    GroupStore.Claim c = claimed.get();
    Receiver receiver = receivers.get(c.receiver());
    int attempts = c.attempts() + 1;
    Instant now = clock.instant();
    if (receiver == null) {
      String why = "receiver " + c.receiver() + " is not configured in this runtime";
      groups.flushed(c, now, false, why);
      groups.recordMembers(
          c, new DeliveryState(DeliveryState.Status.DEAD, attempts, null, null, why, groupId));
      tally.dead.addAndGet(c.members().size());
      return;
    }
    AlertBatch batch =
        new AlertBatch(
            c.receiver(), c.groupKey(), c.groupLabels(), c.members(), config.dashboardUrl());
    try {
      receiver.deliver(batch);
    } catch (DeliveryException e) {
      failed(c, receiver, batch, attempts, e, tally);
      return;
    }
    Instant done = clock.instant();
    groups.flushed(c, done, true, null);
    groups.recordMembers(
        c, new DeliveryState(DeliveryState.Status.DELIVERED, attempts, null, done, null, groupId));
    tally.delivered.addAndGet(c.members().size());
    Log.info(
        "alert.delivered",
        Map.of(
            "receiver", receiver.name(),
            "groupKey", c.groupKey(),
            "alerts", c.members().size(),
            "keys", c.members().stream().map(AlertMessage::dedupKey).toList(),
            "latencyMs", java.time.Duration.between(batch.first().at(), done).toMillis()));
    if (pass.resolvedReceivers.add(receiver.name())) {
      alerts.resolve(SOURCE, receiverFailingKey(receiver.name()), "notifier", "delivered again");
    }
  }

  private void failed(
      GroupStore.Claim c,
      Receiver receiver,
      AlertBatch batch,
      int attempts,
      DeliveryException e,
      Tally tally) {
    Instant now = clock.instant();
    if (!e.retryable() || attempts >= config.maxAttempts()) {
      groups.flushed(c, now, false, e.getMessage());
      groups.recordMembers(
          c,
          new DeliveryState(
              DeliveryState.Status.DEAD, attempts, null, null, e.getMessage(), c.groupId()));
      tally.dead.addAndGet(c.members().size());
      deadLettered(receiver, batch, attempts, e);
      return;
    }
    Instant next = now.plus(config.backoff(attempts));
    groups.retry(c, attempts, next, e.getMessage());
    groups.recordMembers(
        c,
        new DeliveryState(
            DeliveryState.Status.RETRYING, attempts, next, null, e.getMessage(), c.groupId()));
    tally.retrying.addAndGet(c.members().size());
    Log.warn(
        "alert delivery failed; will retry",
        Map.of(
            "receiver", receiver.name(),
            "groupKey", c.groupKey(),
            "attempt", attempts,
            "nextAttemptAt", next.toString(),
            "error", String.valueOf(e.getMessage())));
  }

  private void deadLettered(
      Receiver receiver, AlertBatch batch, int attempts, DeliveryException e) {
    List<String> keys = batch.alerts().stream().map(AlertMessage::dedupKey).toList();
    Log.error(
        "alert delivery dead-lettered",
        Map.of(
            "receiver",
            receiver.name(),
            "groupKey",
            batch.groupKey(),
            "keys",
            keys,
            "attempts",
            attempts),
        e);
    boolean onlyReceiverAlerts =
        batch.alerts().stream()
            .allMatch(m -> m.source().equals(SOURCE) && m.key().startsWith("receiver:"));
    if (onlyReceiverAlerts) {
      return; // one receiver's failure alert failing elsewhere raises nothing further
    }
    Map<String, Object> details =
        Map.of(
            "receiver", receiver.name(),
            "attempts", attempts,
            "lastError", String.valueOf(e.getMessage()),
            "groupKey", batch.groupKey(),
            "undelivered", String.join(", ", keys));
    alerts.raise(
        SOURCE,
        receiverFailingKey(receiver.name()),
        Alerts.Severity.CRITICAL,
        "Alert receiver " + receiver.name() + " is failing: " + e.getMessage(),
        details);
  }
}
