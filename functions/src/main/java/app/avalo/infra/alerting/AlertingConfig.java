package app.avalo.infra.alerting;

import app.avalo.infra.platform.Alerts;
import app.avalo.infra.platform.ConfigReader;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Where alerts go, read once per instance. A receiver is on when its required settings are there
 * (e.g. {@code ALERT_SLACK_WEBHOOK_URL}); a half-configured receiver is a configuration error
 * listing every missing part. Keys, tokens, passwords and webhook URLs come from Secret Manager in
 * production (docs/alerting.md).
 */
record AlertingConfig(
    Optional<PagerDuty> pagerDuty,
    Optional<Slack> slack,
    Optional<Email> email,
    Optional<Sms> sms,
    Optional<Webhook> webhook,
    String dashboardUrl,
    Optional<URI> watchdog,
    int maxAttempts,
    Duration initialBackoff,
    Duration maxBackoff,
    int batchSize,
    int parallelism,
    Duration lease) {

  record PagerDuty(URI eventsBase, String routingKey, Alerts.Severity minSeverity) {}

  record Slack(URI webhook, Alerts.Severity minSeverity) {}

  record Email(
      String host,
      int port,
      boolean startTls,
      String user,
      String password,
      InternetAddress from,
      List<InternetAddress> to,
      Alerts.Severity minSeverity) {}

  record Sms(
      URI apiBase,
      String accountSid,
      String authToken,
      String from,
      List<String> to,
      Alerts.Severity minSeverity) {}

  record Webhook(URI url, String secret, Alerts.Severity minSeverity) {}

  private static final Pattern E164 = Pattern.compile("\\+[1-9][0-9]{6,14}");

  static AlertingConfig read(ConfigReader env) {
    Optional<PagerDuty> pagerDuty = Optional.empty();
    if (env.isSet("ALERT_PAGERDUTY_ROUTING_KEY")) {
      pagerDuty =
          Optional.of(
              new PagerDuty(
                  url(env, "ALERT_PAGERDUTY_EVENTS_URL", "https://events.pagerduty.com"),
                  env.raw("ALERT_PAGERDUTY_ROUTING_KEY"),
                  severity(env, "ALERT_PAGERDUTY_MIN_SEVERITY", Alerts.Severity.WARNING)));
    }
    Optional<Slack> slack = Optional.empty();
    if (env.isSet("ALERT_SLACK_WEBHOOK_URL")) {
      slack =
          Optional.of(
              new Slack(
                  url(env, "ALERT_SLACK_WEBHOOK_URL", null),
                  severity(env, "ALERT_SLACK_MIN_SEVERITY", Alerts.Severity.INFO)));
    }
    Optional<Email> email = Optional.empty();
    if (env.isSet("ALERT_SMTP_HOST")) {
      require(env, "email", "ALERT_EMAIL_FROM", "ALERT_EMAIL_TO");
      String user = env.raw("ALERT_SMTP_USER");
      if (user != null) {
        require(env, "email", "ALERT_SMTP_PASSWORD");
      }
      email =
          Optional.of(
              new Email(
                  env.raw("ALERT_SMTP_HOST"),
                  env.intValue("ALERT_SMTP_PORT", 587, 1, 65535),
                  env.bool("ALERT_SMTP_STARTTLS", true),
                  user,
                  env.raw("ALERT_SMTP_PASSWORD"),
                  address(env, "ALERT_EMAIL_FROM", env.optional("ALERT_EMAIL_FROM", "")),
                  addresses(env, "ALERT_EMAIL_TO"),
                  severity(env, "ALERT_EMAIL_MIN_SEVERITY", Alerts.Severity.WARNING)));
    }
    Optional<Sms> sms = Optional.empty();
    if (env.isSet("ALERT_TWILIO_ACCOUNT_SID")) {
      require(env, "SMS", "ALERT_TWILIO_AUTH_TOKEN", "ALERT_TWILIO_FROM", "ALERT_SMS_TO");
      List<String> to = env.list("ALERT_SMS_TO", List.of());
      for (String number : to) {
        if (!E164.matcher(number).matches()) {
          env.problem(
              "ALERT_SMS_TO must list E.164 numbers such as +48123456789 (got '" + number + "')");
        }
      }
      sms =
          Optional.of(
              new Sms(
                  url(env, "ALERT_TWILIO_API_BASE", "https://api.twilio.com"),
                  env.raw("ALERT_TWILIO_ACCOUNT_SID"),
                  env.optional("ALERT_TWILIO_AUTH_TOKEN", ""),
                  env.optional("ALERT_TWILIO_FROM", ""),
                  to,
                  severity(env, "ALERT_SMS_MIN_SEVERITY", Alerts.Severity.CRITICAL)));
    }
    Optional<Webhook> webhook = Optional.empty();
    if (env.isSet("ALERT_WEBHOOK_URL")) {
      require(env, "webhook", "ALERT_WEBHOOK_SECRET");
      String secret = env.optional("ALERT_WEBHOOK_SECRET", "");
      if (!secret.isEmpty() && secret.length() < 16) {
        env.problem("ALERT_WEBHOOK_SECRET must be at least 16 characters (an HMAC key)");
      }
      webhook =
          Optional.of(
              new Webhook(
                  url(env, "ALERT_WEBHOOK_URL", null),
                  secret,
                  severity(env, "ALERT_WEBHOOK_MIN_SEVERITY", Alerts.Severity.INFO)));
    }
    String dashboard = env.optional("ALERT_DASHBOARD_URL", "");
    if (!dashboard.isEmpty()) {
      url(env, "ALERT_DASHBOARD_URL", null);
    }
    Duration initial = Duration.ofSeconds(env.longValue("ALERT_BACKOFF_SECONDS", 30, 1, 3600));
    Duration max = Duration.ofSeconds(env.longValue("ALERT_BACKOFF_MAX_SECONDS", 1800, 1, 86400));
    if (max.compareTo(initial) < 0) {
      env.problem("ALERT_BACKOFF_MAX_SECONDS must not be below ALERT_BACKOFF_SECONDS");
    }
    Optional<URI> watchdog =
        env.isSet("ALERT_WATCHDOG_URL")
            ? Optional.of(url(env, "ALERT_WATCHDOG_URL", null))
            : Optional.empty();
    return new AlertingConfig(
        pagerDuty,
        slack,
        email,
        sms,
        webhook,
        dashboard,
        watchdog,
        env.intValue("ALERT_MAX_ATTEMPTS", 6, 1, 50),
        initial,
        max,
        env.intValue("ALERT_NOTIFIER_BATCH", 100, 1, 500),
        env.intValue("ALERT_NOTIFIER_PARALLELISM", 4, 1, 64),
        Duration.ofSeconds(env.longValue("ALERT_NOTIFIER_LEASE_SECONDS", 120, 10, 3600)));
  }

  /** The delay before attempt {@code attempts + 1}: doubling from the initial backoff, capped. */
  Duration backoff(int attempts) {
    Duration d = initialBackoff;
    for (int i = 1; i < attempts && d.compareTo(maxBackoff) < 0; i++) {
      d = d.multipliedBy(2);
    }
    return d.compareTo(maxBackoff) > 0 ? maxBackoff : d;
  }

  private static void require(ConfigReader env, String receiver, String... names) {
    for (String name : names) {
      if (!env.isSet(name)) {
        env.problem(name + " is required for the " + receiver + " alert receiver");
      }
    }
  }

  private static Alerts.Severity severity(ConfigReader env, String name, Alerts.Severity def) {
    return env.enumValue(name, Alerts.Severity.class, def);
  }

  private static URI url(ConfigReader env, String name, String def) {
    String raw = env.optional(name, def);
    if (raw == null) {
      return URI.create("http://invalid.invalid/");
    }
    try {
      URI uri = URI.create(raw);
      if (("https".equals(uri.getScheme()) || "http".equals(uri.getScheme()))
          && uri.getHost() != null) {
        return uri;
      }
    } catch (IllegalArgumentException e) {
      // reported below
    }
    env.problem(name + " must be an http(s) URL (got '" + raw + "')");
    return URI.create("http://invalid.invalid/");
  }

  private static InternetAddress address(ConfigReader env, String name, String raw) {
    try {
      InternetAddress a = new InternetAddress(raw, true);
      return a;
    } catch (AddressException e) {
      env.problem(name + " must be an email address (got '" + raw + "')");
      return new InternetAddress();
    }
  }

  private static List<InternetAddress> addresses(ConfigReader env, String name) {
    List<InternetAddress> out = new ArrayList<>();
    for (String raw : env.list(name, List.of())) {
      out.add(address(env, name, raw));
    }
    return out;
  }
}
