package app.avalo.infra.alerting;

import app.avalo.infra.platform.ConfigReader;
import app.avalo.infra.platform.Log;
import app.avalo.infra.platform.Platform;
import java.net.http.HttpClient;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;

/**
 * The alert delivery domain: the receivers configured in the environment, the routing tree in
 * Firestore, the outbox and group stores and the notifier that delivers them (every minute from
 * {@code notifyAlerts}, and right after each raise or resolve through {@link #kick}).
 */
public final class AlertingModule {
  /**
   * What alert delivery does to the world besides Firestore.
   *
   * @param http the client of the HTTP receivers (PagerDuty, Slack, Twilio, webhook)
   * @param kicker runs a delivery right after an alert change (null: only the scheduled notifier
   *     delivers, as tests want for determinism)
   */
  public record Adapters(HttpClient http, Executor kicker) {
    public static Adapters production() {
      return new Adapters(
          HttpDelivery.defaultClient(), Executors.newVirtualThreadPerTaskExecutor());
    }

    /** No kick after a raise: notifications wait for a notifier run. */
    public static Adapters scheduledOnly(HttpClient http) {
      return new Adapters(http, null);
    }
  }

  private final AlertingConfig config;
  private final List<Receiver> receivers;
  private final NotificationStore store;
  private final SilenceStore silences;
  private final RoutingStore routing;
  private final Notifier notifier;
  private final Watchdog watchdog;
  private final Executor kicker;

  public AlertingModule(Platform platform, Adapters adapters) {
    ConfigReader env = platform.configReader();
    this.config = AlertingConfig.read(env);
    env.throwIfInvalid();
    this.receivers = receivers(config, new HttpDelivery(adapters.http()));
    this.store = new NotificationStore(platform.firestore());
    this.silences = new SilenceStore(platform.firestore());
    this.routing = new RoutingStore(platform.firestore());
    this.notifier =
        new Notifier(
            store,
            new GroupStore(platform.firestore()),
            silences,
            routing,
            () -> OpenAlerts.read(platform.firestore()),
            receivers,
            platform.alerts(),
            config,
            platform.clock());
    this.watchdog = new Watchdog(config.watchdog().orElse(null), new HttpDelivery(adapters.http()));
    this.kicker = adapters.kicker();
  }

  private static List<Receiver> receivers(AlertingConfig c, HttpDelivery http) {
    List<Receiver> out = new ArrayList<>();
    c.pagerDuty()
        .ifPresent(
            p ->
                out.add(
                    new PagerDutyReceiver(p.eventsBase(), p.routingKey(), p.minSeverity(), http)));
    c.slack().ifPresent(s -> out.add(new SlackReceiver(s.webhook(), s.minSeverity(), http)));
    c.email()
        .ifPresent(
            e ->
                out.add(
                    new EmailReceiver(
                        e.host(),
                        e.port(),
                        e.startTls(),
                        e.user(),
                        e.password(),
                        e.from(),
                        e.to(),
                        e.minSeverity())));
    c.sms()
        .ifPresent(
            s ->
                out.add(
                    new TwilioSmsReceiver(
                        s.apiBase(),
                        s.accountSid(),
                        s.authToken(),
                        s.from(),
                        s.to(),
                        s.minSeverity(),
                        http)));
    c.webhook()
        .ifPresent(w -> out.add(new WebhookReceiver(w.url(), w.secret(), w.minSeverity(), http)));
    return out;
  }

  /**
   * Delivers one notification soon, off the caller's thread (best effort: the scheduled run
   * delivers whatever this misses, e.g. when the instance's CPU is throttled after a response).
   */
  public void kick(String notificationId) {
    if (kicker == null || receivers.isEmpty()) {
      return;
    }
    kicker.execute(
        () -> {
          try {
            notifier.deliver(notificationId);
          } catch (RuntimeException e) {
            Log.error(
                "immediate alert delivery failed; the notifier job retries",
                Map.of("notificationId", notificationId),
                e);
          }
        });
  }

  Notifier notifier() {
    return notifier;
  }

  RoutingStore routing() {
    return routing;
  }

  SilenceStore silences() {
    return silences;
  }

  Watchdog watchdog() {
    return watchdog;
  }

  NotificationStore store() {
    return store;
  }

  List<Receiver> receivers() {
    return receivers;
  }

  AlertingConfig config() {
    return config;
  }
}
