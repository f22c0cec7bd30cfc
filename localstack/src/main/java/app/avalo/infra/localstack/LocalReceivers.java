package app.avalo.infra.localstack;

import app.avalo.infra.platform.Json;
import com.google.cloud.functions.HttpRequest;
import com.google.cloud.functions.HttpResponse;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Deque;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The local stack's alert receivers, so that alerts raised on {@code bin/dev} reach something
 * without any account: at {@value #ROOT} the dev server accepts what the production receivers send
 * to PagerDuty (Events API v2), a Slack incoming webhook, Twilio's Messages API and an
 * Alertmanager-format webhook, checks each request against the service's documented shape (and the
 * webhook's HMAC signature, Twilio's Basic auth, PagerDuty's routing key), answers as the service
 * does (202, 200 {@code ok}, 201, 2xx; a malformed request 400 with the reason, bad credentials
 * 401), keeps the last {@value #KEEP} requests in memory and lists them at {@code GET} {@value
 * #ROOT}. Email goes to MailDev (a real SMTP server), the watchdog's heartbeat to {@value
 * #WATCHDOG}, which counts pings.
 *
 * <p>{@code POST} {@value #ROOT}{@code /failures?receiver=slack&status=503&times=3} makes the next
 * requests to one receiver fail, to watch retries and dead letters; {@code DELETE} {@value #ROOT}
 * forgets everything.
 */
public final class LocalReceivers {
  public static final String ROOT = "/_local/notifications";
  public static final String WATCHDOG = "/_local/watchdog";

  /** The demo's credentials: only these local endpoints accept them. */
  public static final String PAGERDUTY_ROUTING_KEY = "avalolocaldemo0pagerduty0routing";

  public static final String TWILIO_ACCOUNT_SID = "AC" + "a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1";
  public static final String TWILIO_AUTH_TOKEN = "local-demo-twilio-auth-token";
  public static final String TWILIO_FROM = "+15005550006";
  public static final String SMS_TO = "+48500100200";
  public static final String WEBHOOK_SECRET = "local-demo-webhook-secret-0123456789";

  /** The receivers, by the name the notifier records their deliveries under. */
  static final Set<String> RECEIVERS = Set.of("pagerduty", "slack", "sms", "webhook");

  static final int KEEP = 200;
  private static final int MAX_BODY = 1 << 20;
  private static final Pattern E164 = Pattern.compile("\\+[1-9][0-9]{6,14}");
  private static final Pattern SIGNATURE = Pattern.compile("t=([0-9]{1,12}),v1=([0-9a-f]{64})");
  private static final Set<String> PD_SEVERITIES = Set.of("critical", "error", "warning", "info");
  private static final Set<String> PD_ACTIONS = Set.of("trigger", "acknowledge", "resolve");

  private final Clock clock;
  private final Deque<Received> received = new ArrayDeque<>();
  private final AtomicLong sequence = new AtomicLong();
  private final AtomicLong twilioMessages = new AtomicLong();
  private final Map<String, Failure> failures = new ConcurrentHashMap<>();
  private final AtomicLong watchdogPings = new AtomicLong();
  private volatile Instant lastWatchdogPing;
  private volatile String lastWatchdogBody;

  public LocalReceivers(Clock clock) {
    this.clock = clock;
  }

  /**
   * One request a receiver got: {@code accepted} with the service's success status, or refused with
   * the status and {@code reason} the service would give.
   */
  public record Received(
      long seq,
      String receiver,
      Instant at,
      String path,
      boolean accepted,
      int status,
      String reason,
      String summary,
      Object payload) {}

  private record Failure(int status, AtomicInteger remaining) {}

  /** An answer: status, content type, body. */
  private record Answer(int status, String contentType, String body) {
    static Answer json(int status, Object body) {
      return new Answer(status, "application/json; charset=utf-8", Json.write(body));
    }

    static Answer text(int status, String body) {
      return new Answer(status, "text/plain; charset=utf-8", body);
    }
  }

  /** A request the service would refuse: the answer it would give and why, for the log. */
  private static final class Refused extends Exception {
    private static final long serialVersionUID = 1L;
    final transient Answer answer;

    Refused(Answer answer, String reason) {
      super(reason);
      this.answer = answer;
    }
  }

  /**
   * The {@code ALERT_*} settings that point every receiver at these endpoints (and email at the
   * SMTP server at {@code smtpHost:smtpPort}, when there is one), for the dev server's demo.
   */
  public static Map<String, String> demoEnv(
      String baseUrl, String dashboardUrl, String smtpHost, Integer smtpPort) {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("ALERT_PAGERDUTY_ROUTING_KEY", PAGERDUTY_ROUTING_KEY);
    env.put("ALERT_PAGERDUTY_EVENTS_URL", baseUrl + ROOT + "/pagerduty");
    env.put("ALERT_SLACK_WEBHOOK_URL", baseUrl + ROOT + "/slack");
    env.put("ALERT_TWILIO_ACCOUNT_SID", TWILIO_ACCOUNT_SID);
    env.put("ALERT_TWILIO_AUTH_TOKEN", TWILIO_AUTH_TOKEN);
    env.put("ALERT_TWILIO_FROM", TWILIO_FROM);
    env.put("ALERT_SMS_TO", SMS_TO);
    env.put("ALERT_TWILIO_API_BASE", baseUrl + ROOT + "/twilio");
    env.put("ALERT_WEBHOOK_URL", baseUrl + ROOT + "/webhook");
    env.put("ALERT_WEBHOOK_SECRET", WEBHOOK_SECRET);
    if (smtpHost != null && smtpPort != null) {
      env.put("ALERT_SMTP_HOST", smtpHost);
      env.put("ALERT_SMTP_PORT", smtpPort.toString());
      env.put("ALERT_SMTP_STARTTLS", "false");
      env.put("ALERT_EMAIL_FROM", "Avalo alerts <alerts@avalo.local>");
      env.put("ALERT_EMAIL_TO", "oncall@avalo.local");
    }
    env.put("ALERT_DASHBOARD_URL", dashboardUrl);
    env.put("ALERT_WATCHDOG_URL", baseUrl + WATCHDOG);
    return env;
  }

  /** True for the paths this class answers (its own, and the services' paths at the root). */
  static boolean handles(String path) {
    return path.equals(ROOT)
        || path.startsWith(ROOT + "/")
        || path.equals(WATCHDOG)
        || path.equals("/v2/enqueue")
        || (path.startsWith("/2010-04-01/Accounts/") && path.endsWith("/Messages.json"));
  }

  void serve(HttpRequest request, HttpResponse response) throws IOException {
    String path = request.getPath();
    String method = request.getMethod();
    byte[] body;
    try (InputStream in = request.getInputStream()) {
      body = in.readNBytes(MAX_BODY + 1);
    }
    if (path.equals(WATCHDOG)) {
      if ("POST".equals(method)) {
        watchdogPings.incrementAndGet();
        lastWatchdogPing = clock.instant();
        lastWatchdogBody = new String(body, StandardCharsets.UTF_8);
      }
      send(response, Answer.json(200, watchdog()));
      return;
    }
    if (path.equals(ROOT) || path.equals(ROOT + "/")) {
      switch (method) {
        case "GET" -> send(response, Answer.json(200, list(request)));
        case "DELETE" -> {
          clear();
          send(response, Answer.json(200, Map.of("cleared", true)));
        }
        default -> send(response, Answer.json(405, Map.of("error", "GET or DELETE")));
      }
      return;
    }
    if (path.equals(ROOT + "/failures")) {
      send(response, injectFailure(request));
      return;
    }
    String receiver = receiverOf(path);
    if (receiver == null) {
      send(
          response,
          Answer.json(
              404, Map.of("error", "no local receiver at " + path + " (see " + ROOT + ")")));
      return;
    }
    if (!"POST".equals(method)) {
      send(response, Answer.json(405, Map.of("error", receiver + " takes POST")));
      return;
    }
    send(response, receive(receiver, path, request, body));
  }

  /** The receiver a path belongs to, or null. */
  private static String receiverOf(String path) {
    String p = path.startsWith(ROOT + "/") ? path.substring(ROOT.length()) : path;
    if (p.equals("/slack")) {
      return "slack";
    }
    if (p.equals("/webhook")) {
      return "webhook";
    }
    if (p.equals("/pagerduty/v2/enqueue") || p.equals("/v2/enqueue")) {
      return "pagerduty";
    }
    String twilio = p.startsWith("/twilio/") ? p.substring("/twilio".length()) : p;
    if (twilio.startsWith("/2010-04-01/Accounts/") && twilio.endsWith("/Messages.json")) {
      return "sms";
    }
    return null;
  }

  private Answer receive(String receiver, String path, HttpRequest request, byte[] raw) {
    Instant at = clock.instant();
    Failure failure = failures.get(receiver);
    if (failure != null && failure.remaining().getAndDecrement() > 0) {
      Answer injected = Answer.text(failure.status(), "injected failure (" + ROOT + "/failures)");
      record(receiver, at, path, false, failure.status(), "injected failure", null, null);
      return injected;
    }
    if (raw.length > MAX_BODY) {
      record(receiver, at, path, false, 413, "body over 1 MiB", null, null);
      return Answer.text(413, "request body too large");
    }
    String body = new String(raw, StandardCharsets.UTF_8);
    try {
      Accepted ok =
          switch (receiver) {
            case "pagerduty" -> pagerDuty(request, body);
            case "slack" -> slack(request, body);
            case "sms" -> twilio(request, path, body);
            case "webhook" -> webhook(request, body);
            default -> throw new IllegalStateException(receiver);
          };
      record(receiver, at, path, true, ok.answer().status(), null, ok.summary(), ok.payload());
      return ok.answer();
    } catch (Refused r) {
      record(receiver, at, path, false, r.answer.status(), r.getMessage(), null, parsedOrRaw(body));
      return r.answer;
    }
  }

  private record Accepted(Answer answer, String summary, Object payload) {}

  // ---------------------------------------------------------------- PagerDuty Events API v2

  private Accepted pagerDuty(HttpRequest request, String body) throws Refused {
    JsonObject e;
    try {
      e = jsonObject(request, body);
    } catch (Refused r) {
      throw pdInvalid(List.of(r.getMessage()));
    }
    List<String> errors = new ArrayList<>();
    String key = string(e, "routing_key");
    if (key == null || key.length() != 32) {
      errors.add("'routing_key' must be the 32 character integration key");
    } else if (!key.equals(PAGERDUTY_ROUTING_KEY)) {
      errors.add("'routing_key' is not a known integration key");
    }
    String action = string(e, "event_action");
    if (action == null || !PD_ACTIONS.contains(action)) {
      errors.add("'event_action' must be trigger, acknowledge or resolve");
    }
    String dedupKey = string(e, "dedup_key");
    if (e.has("dedup_key") && dedupKey == null) {
      errors.add("'dedup_key' must be a string");
    }
    if (dedupKey != null && (dedupKey.isEmpty() || dedupKey.length() > 255)) {
      errors.add("'dedup_key' must be 1 to 255 characters");
    }
    if (dedupKey == null && action != null && !action.equals("trigger")) {
      errors.add("'dedup_key' is required for " + action);
    }
    String summary = null;
    if ("trigger".equals(action)) {
      JsonObject p =
          e.has("payload") && e.get("payload").isJsonObject() ? e.getAsJsonObject("payload") : null;
      if (p == null) {
        errors.add("'payload' is required for trigger and must be an object");
      } else {
        summary = string(p, "summary");
        if (summary == null || summary.isEmpty() || summary.length() > 1024) {
          errors.add("'payload.summary' must be 1 to 1024 characters");
        }
        String source = string(p, "source");
        if (source == null || source.isEmpty()) {
          errors.add("'payload.source' is required");
        }
        String severity = string(p, "severity");
        if (severity == null || !PD_SEVERITIES.contains(severity)) {
          errors.add("'payload.severity' must be critical, error, warning or info");
        }
        String timestamp = string(p, "timestamp");
        if (p.has("timestamp") && (timestamp == null || !isTimestamp(timestamp))) {
          errors.add("'payload.timestamp' must be an ISO 8601 date-time");
        }
        if (p.has("custom_details") && !p.get("custom_details").isJsonObject()) {
          errors.add("'payload.custom_details' must be an object");
        }
      }
      if (e.has("links")) {
        if (!e.get("links").isJsonArray()) {
          errors.add("'links' must be an array");
        } else {
          for (JsonElement l : e.getAsJsonArray("links")) {
            if (!l.isJsonObject() || string(l.getAsJsonObject(), "href") == null) {
              errors.add("each of 'links' needs an 'href'");
            }
          }
        }
      }
    }
    if (!errors.isEmpty()) {
      throw pdInvalid(errors);
    }
    Map<String, Object> ok = new LinkedHashMap<>();
    ok.put("status", "success");
    ok.put("message", "Event processed");
    ok.put("dedup_key", dedupKey == null ? Long.toHexString(sequence.get() + 1) : dedupKey);
    return new Accepted(
        Answer.json(202, ok),
        action + " " + dedupKey + (summary == null ? "" : " — " + summary),
        Json.toPlainMap(e));
  }

  private static Refused pdInvalid(List<String> errors) {
    Map<String, Object> err = new LinkedHashMap<>();
    err.put("status", "invalid event");
    err.put("message", "Event object is invalid");
    err.put("errors", errors);
    return new Refused(Answer.json(400, err), String.join("; ", errors));
  }

  // ---------------------------------------------------------------- Slack incoming webhook

  private Accepted slack(HttpRequest request, String body) throws Refused {
    JsonObject m;
    try {
      m = jsonObject(request, body);
    } catch (Refused r) {
      throw new Refused(Answer.text(400, "invalid_payload"), r.getMessage());
    }
    String text = string(m, "text");
    if (m.has("text") && text == null) {
      throw slackInvalid("invalid_payload", "'text' must be a string");
    }
    boolean hasBlocks = m.has("blocks");
    if ((text == null || text.isBlank()) && !hasBlocks) {
      throw slackInvalid("no_text", "neither 'text' nor 'blocks'");
    }
    if (hasBlocks) {
      if (!m.get("blocks").isJsonArray()) {
        throw slackInvalid("invalid_blocks", "'blocks' must be an array");
      }
      JsonArray blocks = m.getAsJsonArray("blocks");
      if (blocks.isEmpty() || blocks.size() > 50) {
        throw slackInvalid("invalid_blocks", "'blocks' must hold 1 to 50 blocks");
      }
      for (int i = 0; i < blocks.size(); i++) {
        String problem = slackBlock(blocks.get(i));
        if (problem != null) {
          throw slackInvalid("invalid_blocks", "blocks[" + i + "]: " + problem);
        }
      }
    }
    return new Accepted(Answer.text(200, "ok"), text, Json.toPlainMap(m));
  }

  private static Refused slackInvalid(String code, String reason) {
    // Slack answers the code alone; the reason follows it here so the notifier's lastError says
    // why.
    return new Refused(Answer.text(400, code + ": " + reason), reason);
  }

  /** What is wrong with one Block Kit block (the kinds and limits Slack documents), or null. */
  private static String slackBlock(JsonElement element) {
    if (!element.isJsonObject()) {
      return "not an object";
    }
    JsonObject b = element.getAsJsonObject();
    String type = string(b, "type");
    if (type == null) {
      return "no 'type'";
    }
    return switch (type) {
      case "header" -> textObject(b.get("text"), "text", Set.of("plain_text"), 150);
      case "divider" -> null;
      case "section" -> {
        if (!b.has("text") && !b.has("fields")) {
          yield "a section needs 'text' or 'fields'";
        }
        if (b.has("text")) {
          String p = textObject(b.get("text"), "text", Set.of("plain_text", "mrkdwn"), 3000);
          if (p != null) {
            yield p;
          }
        }
        if (b.has("fields")) {
          if (!b.get("fields").isJsonArray()) {
            yield "'fields' must be an array";
          }
          JsonArray fields = b.getAsJsonArray("fields");
          if (fields.isEmpty() || fields.size() > 10) {
            yield "'fields' must hold 1 to 10 text objects";
          }
          for (int i = 0; i < fields.size(); i++) {
            String p =
                textObject(
                    fields.get(i), "fields[" + i + "]", Set.of("plain_text", "mrkdwn"), 2000);
            if (p != null) {
              yield p;
            }
          }
        }
        yield null;
      }
      case "context" -> {
        if (!b.has("elements") || !b.get("elements").isJsonArray()) {
          yield "a context block needs 'elements'";
        }
        JsonArray elements = b.getAsJsonArray("elements");
        yield elements.isEmpty() || elements.size() > 10
            ? "'elements' must hold 1 to 10 elements"
            : null;
      }
      case "actions" -> {
        if (!b.has("elements") || !b.get("elements").isJsonArray()) {
          yield "an actions block needs 'elements'";
        }
        JsonArray elements = b.getAsJsonArray("elements");
        if (elements.isEmpty() || elements.size() > 25) {
          yield "'elements' must hold 1 to 25 elements";
        }
        for (int i = 0; i < elements.size(); i++) {
          if (!elements.get(i).isJsonObject()) {
            yield "elements[" + i + "] is not an object";
          }
          JsonObject el = elements.get(i).getAsJsonObject();
          if ("button".equals(string(el, "type"))) {
            String p =
                textObject(el.get("text"), "elements[" + i + "].text", Set.of("plain_text"), 75);
            if (p != null) {
              yield p;
            }
            String url = string(el, "url");
            if (el.has("url") && (url == null || url.length() > 3000)) {
              yield "elements[" + i + "].url must be a string of at most 3000 characters";
            }
          }
        }
        yield null;
      }
      default -> "unknown block type '" + type + "'";
    };
  }

  private static String textObject(JsonElement t, String where, Set<String> types, int max) {
    if (t == null || !t.isJsonObject()) {
      return "'" + where + "' must be a text object";
    }
    JsonObject o = t.getAsJsonObject();
    String type = string(o, "type");
    if (type == null || !types.contains(type)) {
      return "'" + where + ".type' must be " + String.join(" or ", new TreeSet<>(types));
    }
    String text = string(o, "text");
    if (text == null || text.isEmpty() || text.length() > max) {
      return "'" + where + ".text' must be 1 to " + max + " characters";
    }
    return null;
  }

  // ---------------------------------------------------------------- Twilio Messages API

  private Accepted twilio(HttpRequest request, String path, String body) throws Refused {
    String p =
        path.startsWith(ROOT + "/twilio/") ? path.substring((ROOT + "/twilio").length()) : path;
    String sid =
        p.substring("/2010-04-01/Accounts/".length(), p.length() - "/Messages.json".length());
    String expected =
        "Basic "
            + Base64.getEncoder()
                .encodeToString(
                    (TWILIO_ACCOUNT_SID + ":" + TWILIO_AUTH_TOKEN)
                        .getBytes(StandardCharsets.UTF_8));
    String auth = request.getFirstHeader("Authorization").orElse("");
    if (!sid.equals(TWILIO_ACCOUNT_SID) || !constantTimeEquals(auth, expected)) {
      throw new Refused(
          Answer.json(401, twilioError(20003, "Authenticate", 401)),
          "HTTP Basic auth is not the account SID and auth token of " + sid);
    }
    String type = request.getContentType().orElse("");
    if (!type.toLowerCase(Locale.ROOT).startsWith("application/x-www-form-urlencoded")) {
      throw new Refused(
          Answer.json(400, twilioError(20001, "the body must be form-encoded", 400)),
          "Content-Type is '" + type + "', not application/x-www-form-urlencoded");
    }
    Map<String, String> form = new LinkedHashMap<>();
    for (String pair : body.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      try {
        String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
        String v = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
        form.put(k, v);
      } catch (IllegalArgumentException e) {
        throw new Refused(
            Answer.json(400, twilioError(20001, "malformed form encoding", 400)),
            "malformed form encoding");
      }
    }
    String to = form.getOrDefault("To", "");
    String from = form.getOrDefault("From", "");
    String text = form.getOrDefault("Body", "");
    if (!E164.matcher(to).matches()) {
      throw new Refused(
          Answer.json(400, twilioError(21211, "Invalid 'To' Phone Number: " + to, 400)),
          "'To' is not an E.164 number: '" + to + "'");
    }
    if (!E164.matcher(from).matches()) {
      throw new Refused(
          Answer.json(400, twilioError(21212, "Invalid 'From' Number: " + from, 400)),
          "'From' is not an E.164 number: '" + from + "'");
    }
    if (text.isEmpty()) {
      throw new Refused(
          Answer.json(400, twilioError(21602, "Message body is required.", 400)), "no 'Body'");
    }
    if (text.length() > 1600) {
      throw new Refused(
          Answer.json(
              400,
              twilioError(
                  21617, "The concatenated message body exceeds the 1600 character limit.", 400)),
          "'Body' is over 1600 characters");
    }
    String messageSid = String.format(Locale.ROOT, "SM%032x", twilioMessages.incrementAndGet());
    Map<String, Object> message = new LinkedHashMap<>();
    message.put("sid", messageSid);
    message.put("account_sid", sid);
    message.put("to", to);
    message.put("from", from);
    message.put("body", text);
    message.put("status", "queued");
    message.put("num_segments", String.valueOf((text.length() + 152) / 153));
    message.put("direction", "outbound-api");
    message.put("api_version", "2010-04-01");
    message.put("uri", "/2010-04-01/Accounts/" + sid + "/Messages/" + messageSid + ".json");
    return new Accepted(Answer.json(201, message), to + ": " + text, form);
  }

  private static Map<String, Object> twilioError(int code, String message, int status) {
    Map<String, Object> e = new LinkedHashMap<>();
    e.put("code", code);
    e.put("message", message);
    e.put("more_info", "https://www.twilio.com/docs/errors/" + code);
    e.put("status", status);
    return e;
  }

  // ---------------------------------------------------------------- Alertmanager-format webhook

  private Accepted webhook(HttpRequest request, String body) throws Refused {
    String signature = request.getFirstHeader("X-Avalo-Signature").orElse("");
    var sig = SIGNATURE.matcher(signature);
    if (!sig.matches()) {
      throw new Refused(
          Answer.text(401, "missing or malformed X-Avalo-Signature"),
          "X-Avalo-Signature is '" + signature + "', not t=<unix seconds>,v1=<hex HMAC-SHA256>");
    }
    String expected = hmac(WEBHOOK_SECRET, sig.group(1) + "." + body);
    if (!constantTimeEquals(expected, sig.group(2))) {
      throw new Refused(
          Answer.text(401, "signature mismatch"),
          "X-Avalo-Signature v1 is not the HMAC-SHA256 of \"<t>.<body>\" with the shared secret");
    }
    JsonObject m;
    try {
      m = jsonObject(request, body);
    } catch (Refused r) {
      throw new Refused(Answer.text(400, r.getMessage()), r.getMessage());
    }
    List<String> errors = new ArrayList<>();
    if (!"4".equals(string(m, "version"))) {
      errors.add("'version' must be \"4\"");
    }
    String status = string(m, "status");
    if (!"firing".equals(status) && !"resolved".equals(status)) {
      errors.add("'status' must be firing or resolved");
    }
    for (String f : List.of("groupKey", "receiver", "externalURL")) {
      if (string(m, f) == null) {
        errors.add("'" + f + "' must be a string");
      }
    }
    if (!m.has("truncatedAlerts")
        || !m.get("truncatedAlerts").isJsonPrimitive()
        || !m.get("truncatedAlerts").getAsJsonPrimitive().isNumber()) {
      errors.add("'truncatedAlerts' must be a number");
    }
    for (String f : List.of("groupLabels", "commonLabels", "commonAnnotations")) {
      if (!isStringMap(m.get(f))) {
        errors.add("'" + f + "' must be an object of strings");
      }
    }
    List<String> names = new ArrayList<>();
    if (!m.has("alerts")
        || !m.get("alerts").isJsonArray()
        || m.getAsJsonArray("alerts").isEmpty()) {
      errors.add("'alerts' must be a non-empty array");
    } else {
      JsonArray alerts = m.getAsJsonArray("alerts");
      for (int i = 0; i < alerts.size(); i++) {
        String where = "alerts[" + i + "]";
        if (!alerts.get(i).isJsonObject()) {
          errors.add(where + " must be an object");
          continue;
        }
        JsonObject a = alerts.get(i).getAsJsonObject();
        String s = string(a, "status");
        if (!"firing".equals(s) && !"resolved".equals(s)) {
          errors.add(where + ".status must be firing or resolved");
        }
        if (!isStringMap(a.get("labels"))) {
          errors.add(where + ".labels must be an object of strings");
        } else if (string(a.getAsJsonObject("labels"), "alertname") == null) {
          errors.add(where + ".labels needs 'alertname'");
        } else {
          names.add(string(a.getAsJsonObject("labels"), "alertname"));
        }
        if (!isStringMap(a.get("annotations"))) {
          errors.add(where + ".annotations must be an object of strings");
        }
        for (String t : List.of("startsAt", "endsAt")) {
          String v = string(a, t);
          if (v == null || !isTimestamp(v)) {
            errors.add(where + "." + t + " must be an RFC 3339 date-time");
          }
        }
        if (string(a, "generatorURL") == null) {
          errors.add(where + ".generatorURL must be a string");
        }
        String fp = string(a, "fingerprint");
        if (fp == null || !fp.matches("[0-9a-f]{16}")) {
          errors.add(where + ".fingerprint must be 16 hex digits");
        }
      }
    }
    if (!errors.isEmpty()) {
      String reason = String.join("; ", errors);
      throw new Refused(Answer.text(400, reason), reason);
    }
    return new Accepted(
        Answer.json(200, Map.of("status", "ok")),
        status + " " + String.join(", ", names),
        Json.toPlainMap(m));
  }

  static String hmac(String secret, String content) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      return HexFormat.of().formatHex(mac.doFinal(content.getBytes(StandardCharsets.UTF_8)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is missing from this JVM", e);
    }
  }

  // ---------------------------------------------------------------- shared

  private static JsonObject jsonObject(HttpRequest request, String body) throws Refused {
    String type = request.getContentType().orElse("");
    if (!type.toLowerCase(Locale.ROOT).startsWith("application/json")) {
      throw new Refused(
          Answer.text(400, "Content-Type must be application/json"),
          "Content-Type is '" + type + "', not application/json");
    }
    JsonElement parsed;
    try {
      parsed = Json.parseStrict(body);
    } catch (RuntimeException e) {
      throw new Refused(
          Answer.text(400, "body is not JSON"), "body is not JSON: " + e.getMessage());
    }
    if (parsed == null || !parsed.isJsonObject()) {
      throw new Refused(Answer.text(400, "body is not a JSON object"), "body is not a JSON object");
    }
    return parsed.getAsJsonObject();
  }

  private static String string(JsonObject o, String field) {
    JsonElement e = o.get(field);
    return e != null && e.isJsonPrimitive() && e.getAsJsonPrimitive().isString()
        ? e.getAsString()
        : null;
  }

  private static boolean isStringMap(JsonElement e) {
    if (e == null || !e.isJsonObject()) {
      return false;
    }
    for (var entry : e.getAsJsonObject().entrySet()) {
      JsonElement v = entry.getValue();
      if (!(v instanceof JsonPrimitive p) || !p.isString()) {
        return false;
      }
    }
    return true;
  }

  private static boolean isTimestamp(String s) {
    try {
      OffsetDateTime.parse(s);
      return true;
    } catch (DateTimeParseException e) {
      try {
        Instant.parse(s);
        return true;
      } catch (DateTimeParseException e2) {
        return false;
      }
    }
  }

  private static boolean constantTimeEquals(String a, String b) {
    return MessageDigest.isEqual(
        a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
  }

  private static Object parsedOrRaw(String body) {
    try {
      JsonElement e = Json.parseStrict(body);
      return e != null && e.isJsonObject() ? Json.toPlainMap(e.getAsJsonObject()) : body;
    } catch (RuntimeException e) {
      return body.length() > 2000 ? body.substring(0, 2000) + "…" : body;
    }
  }

  private synchronized void record(
      String receiver,
      Instant at,
      String path,
      boolean accepted,
      int status,
      String reason,
      String summary,
      Object payload) {
    received.addFirst(
        new Received(
            sequence.incrementAndGet(),
            receiver,
            at,
            path,
            accepted,
            status,
            reason,
            summary,
            payload));
    while (received.size() > KEEP) {
      received.removeLast();
    }
  }

  /** What the receivers got, newest first. */
  public synchronized List<Received> received() {
    return List.copyOf(received);
  }

  /** How many heartbeats {@value #WATCHDOG} got. */
  public long watchdogPings() {
    return watchdogPings.get();
  }

  /**
   * The next {@code times} requests to {@code receiver} answer {@code status} (a failing service).
   */
  public void failNext(String receiver, int status, int times) {
    if (!RECEIVERS.contains(receiver)) {
      throw new IllegalArgumentException("no local receiver " + receiver);
    }
    failures.put(receiver, new Failure(status, new AtomicInteger(times)));
  }

  public synchronized void clear() {
    received.clear();
    failures.clear();
  }

  private Map<String, Object> watchdog() {
    Map<String, Object> w = new LinkedHashMap<>();
    w.put("pings", watchdogPings.get());
    w.put("lastPingAt", lastWatchdogPing);
    w.put("lastPing", lastWatchdogBody == null ? null : parsedOrRaw(lastWatchdogBody));
    return w;
  }

  private Map<String, Object> list(HttpRequest request) {
    String only = request.getFirstQueryParameter("receiver").orElse(null);
    List<Received> all = received();
    Map<String, Map<String, Long>> counts = new TreeMap<>();
    for (Received r : all) {
      counts
          .computeIfAbsent(r.receiver(), k -> new TreeMap<>())
          .merge(r.accepted() ? "accepted" : "refused", 1L, Long::sum);
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("kept", KEEP);
    out.put("counts", counts);
    out.put("watchdog", watchdog());
    out.put(
        "notifications",
        only == null ? all : all.stream().filter(r -> r.receiver().equals(only)).toList());
    return out;
  }

  private Answer injectFailure(HttpRequest request) {
    if (!"POST".equals(request.getMethod())) {
      return Answer.json(405, Map.of("error", "POST ?receiver=NAME&status=500&times=N"));
    }
    String receiver = request.getFirstQueryParameter("receiver").orElse("");
    if (!RECEIVERS.contains(receiver)) {
      return Answer.json(
          400, Map.of("error", "receiver must be one of " + new TreeSet<>(RECEIVERS)));
    }
    int status;
    int times;
    try {
      status = Integer.parseInt(request.getFirstQueryParameter("status").orElse("500"));
      times = Integer.parseInt(request.getFirstQueryParameter("times").orElse("1"));
    } catch (NumberFormatException e) {
      return Answer.json(400, Map.of("error", "status and times must be numbers"));
    }
    if (status < 400 || status > 599 || times < 0 || times > 1000) {
      return Answer.json(400, Map.of("error", "status must be 400-599 and times 0-1000"));
    }
    failNext(receiver, status, times);
    return Answer.json(200, Map.of("receiver", receiver, "status", status, "times", times));
  }

  private static void send(HttpResponse response, Answer answer) throws IOException {
    response.setStatusCode(answer.status());
    response.setContentType(answer.contentType());
    var writer = response.getWriter();
    writer.write(answer.body());
    writer.flush();
  }
}
