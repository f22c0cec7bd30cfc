package app.avalo.infra.alerting;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;

/**
 * Loopback stand-ins for the alert receivers' HTTP APIs, each checking the documented request shape
 * and answering as the real service does:
 *
 * <ul>
 *   <li>PagerDuty Events API v2 {@code POST /v2/enqueue}: 202 {@code {status: success, message:
 *       "Event processed", dedup_key}}, 400 {@code {status: "invalid event", errors}};
 *   <li>a Slack incoming webhook {@code POST /services/...}: 200 {@code ok}, 400 {@code
 *       invalid_payload};
 *   <li>Twilio {@code POST /2010-04-01/Accounts/{sid}/Messages.json}: Basic auth, form fields, 201
 *       with a message resource, 401 code 20003, 400 code 21604;
 *   <li>an Alertmanager-format webhook {@code POST /hook}: the HMAC signature checked.
 * </ul>
 *
 * Requests that pass are recorded; {@link #failNext} makes an endpoint answer an error instead.
 */
final class ReceiverFakes implements AutoCloseable {
  static final String TWILIO_SID = "AC0123456789abcdef0123456789abcdef";
  static final String TWILIO_TOKEN = "twilio-test-token";
  static final String WEBHOOK_SECRET = "webhook-secret-0123456789";
  static final String SLACK_PATH = "/services/T000/B000/XXXX";

  record Received(
      String endpoint, JsonObject json, Map<String, String> form, Map<String, String> headers) {}

  private static final Set<String> PD_ACTIONS = Set.of("trigger", "acknowledge", "resolve");
  private static final Set<String> PD_SEVERITIES = Set.of("critical", "error", "warning", "info");
  private static final Set<String> SLACK_BLOCKS =
      Set.of("header", "section", "actions", "context", "divider");
  private static final Pattern E164 = Pattern.compile("\\+[1-9][0-9]{6,14}");

  private final HttpServer server;
  final List<Received> received = new CopyOnWriteArrayList<>();
  final List<String> refused = new CopyOnWriteArrayList<>();
  private final Map<String, Failure> failures = new ConcurrentHashMap<>();
  private final AtomicInteger twilioIds = new AtomicInteger();

  private record Failure(int status, AtomicInteger remaining) {}

  ReceiverFakes() throws IOException {
    server =
        HttpServer.create(new InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/v2/enqueue", ex -> handle(ex, "pagerduty", this::pagerDuty));
    server.createContext(SLACK_PATH, ex -> handle(ex, "slack", this::slack));
    server.createContext("/2010-04-01/Accounts/", ex -> handle(ex, "sms", this::twilio));
    server.createContext("/hook", ex -> handle(ex, "webhook", this::webhook));
    // A heartbeat check (Healthchecks.io style): any POST is a ping, answered 200 "OK".
    server.createContext(
        "/ping",
        ex ->
            handle(
                ex,
                "watchdog",
                (body, headers, out) -> {
                  out[0] =
                      new Received(
                          "watchdog",
                          JsonParser.parseString(body).getAsJsonObject(),
                          Map.of(),
                          headers);
                  return new Answer(200, "text/plain", "OK");
                }));
    server.start();
  }

  String base() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  /** The environment that points every HTTP receiver here. */
  Map<String, String> env() {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("ALERT_PAGERDUTY_ROUTING_KEY", "R0UT1NGK3Y0123456789abcdef012345");
    env.put("ALERT_PAGERDUTY_EVENTS_URL", base());
    env.put("ALERT_SLACK_WEBHOOK_URL", base() + SLACK_PATH);
    env.put("ALERT_TWILIO_ACCOUNT_SID", TWILIO_SID);
    env.put("ALERT_TWILIO_AUTH_TOKEN", TWILIO_TOKEN);
    env.put("ALERT_TWILIO_FROM", "+15005550006");
    env.put("ALERT_SMS_TO", "+48500100200");
    env.put("ALERT_TWILIO_API_BASE", base());
    env.put("ALERT_WEBHOOK_URL", base() + "/hook");
    env.put("ALERT_WEBHOOK_SECRET", WEBHOOK_SECRET);
    env.put("ALERT_DASHBOARD_URL", "https://admin.avalo.test/");
    env.put("ALERT_WATCHDOG_URL", base() + "/ping");
    return env;
  }

  /** The next {@code times} requests to {@code endpoint} answer {@code status}. */
  void failNext(String endpoint, int status, int times) {
    failures.put(endpoint, new Failure(status, new AtomicInteger(times)));
  }

  List<Received> at(String endpoint) {
    return received.stream().filter(r -> r.endpoint().equals(endpoint)).toList();
  }

  private interface Check {
    /** Returns the success answer, or throws {@link Refusal}. */
    Answer check(String body, Map<String, String> headers, Received[] out);
  }

  private record Answer(int status, String contentType, String body) {}

  private static final class Refusal extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final Answer answer;

    Refusal(Answer answer, String why) {
      super(why);
      this.answer = answer;
    }
  }

  private void handle(HttpExchange ex, String endpoint, Check check) throws IOException {
    String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
    Map<String, String> headers = new LinkedHashMap<>();
    ex.getRequestHeaders()
        .forEach((k, v) -> headers.put(k.toLowerCase(java.util.Locale.ROOT), v.get(0)));
    headers.put(":path", ex.getRequestURI().getPath());
    Answer answer;
    Failure f = failures.get(endpoint);
    if (!"POST".equals(ex.getRequestMethod())) {
      answer = new Answer(405, "text/plain", "method not allowed");
    } else if (f != null && f.remaining().getAndDecrement() > 0) {
      answer = new Answer(f.status(), "text/plain", "injected failure");
    } else {
      try {
        Received[] out = new Received[1];
        answer = check.check(body, headers, out);
        received.add(out[0]);
      } catch (Refusal r) {
        refused.add(endpoint + ": " + r.getMessage());
        answer = r.answer;
      } catch (RuntimeException e) {
        refused.add(endpoint + ": " + e);
        answer = new Answer(400, "text/plain", "malformed: " + e.getMessage());
      }
    }
    byte[] bytes = answer.body().getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("Content-Type", answer.contentType());
    ex.sendResponseHeaders(answer.status(), bytes.length);
    ex.getResponseBody().write(bytes);
    ex.close();
  }

  private Answer pagerDuty(String body, Map<String, String> headers, Received[] out) {
    JsonObject e = JsonParser.parseString(body).getAsJsonObject();
    List<String> errors = new ArrayList<>();
    if (!e.has("routing_key") || e.get("routing_key").getAsString().length() != 32) {
      errors.add("'routing_key' must be a 32 character integration key");
    }
    String action = e.has("event_action") ? e.get("event_action").getAsString() : "";
    if (!PD_ACTIONS.contains(action)) {
      errors.add("'event_action' is missing or invalid");
    }
    String dedup = e.has("dedup_key") ? e.get("dedup_key").getAsString() : null;
    if (dedup != null && dedup.length() > 255) {
      errors.add("'dedup_key' is longer than 255 characters");
    }
    if (!"trigger".equals(action) && dedup == null) {
      errors.add("'dedup_key' is required for " + action);
    }
    if ("trigger".equals(action)) {
      JsonObject p = e.has("payload") ? e.getAsJsonObject("payload") : null;
      if (p == null) {
        errors.add("'payload' is missing");
      } else {
        String summary = p.has("summary") ? p.get("summary").getAsString() : "";
        if (summary.isEmpty() || summary.length() > 1024) {
          errors.add("'payload.summary' must be 1 to 1024 characters");
        }
        if (!p.has("source") || p.get("source").getAsString().isEmpty()) {
          errors.add("'payload.source' is missing");
        }
        if (!p.has("severity") || !PD_SEVERITIES.contains(p.get("severity").getAsString())) {
          errors.add("'payload.severity' must be critical, error, warning or info");
        }
        if (p.has("timestamp")) {
          java.time.Instant.parse(p.get("timestamp").getAsString());
        }
      }
    }
    if (!errors.isEmpty()) {
      JsonObject err = new JsonObject();
      err.addProperty("status", "invalid event");
      err.addProperty("message", "Event object is invalid");
      com.google.gson.JsonArray list = new com.google.gson.JsonArray();
      errors.forEach(list::add);
      err.add("errors", list);
      throw new Refusal(new Answer(400, "application/json", err.toString()), errors.toString());
    }
    out[0] = new Received("pagerduty", e, Map.of(), headers);
    JsonObject ok = new JsonObject();
    ok.addProperty("status", "success");
    ok.addProperty("message", "Event processed");
    ok.addProperty("dedup_key", dedup == null ? "generated-" + received.size() : dedup);
    return new Answer(202, "application/json", ok.toString());
  }

  private Answer slack(String body, Map<String, String> headers, Received[] out) {
    JsonObject m = JsonParser.parseString(body).getAsJsonObject();
    boolean hasText = m.has("text") && !m.get("text").getAsString().isBlank();
    boolean hasBlocks = m.has("blocks") && m.getAsJsonArray("blocks").size() > 0;
    String problem = null;
    if (!hasText && !hasBlocks) {
      problem = "no text or blocks";
    } else if (hasBlocks) {
      if (m.getAsJsonArray("blocks").size() > 50) {
        problem = "more than 50 blocks";
      }
      for (JsonElement b : m.getAsJsonArray("blocks")) {
        JsonObject block = b.getAsJsonObject();
        String type = block.get("type").getAsString();
        if (!SLACK_BLOCKS.contains(type)) {
          problem = "unknown block type " + type;
        } else if (type.equals("header")) {
          JsonObject t = block.getAsJsonObject("text");
          if (!"plain_text".equals(t.get("type").getAsString())
              || t.get("text").getAsString().length() > 150) {
            problem = "a header needs plain_text of at most 150 characters";
          }
        } else if (type.equals("section")) {
          if (!block.has("text") && !block.has("fields")) {
            problem = "a section needs text or fields";
          }
          if (block.has("fields")) {
            if (block.getAsJsonArray("fields").size() > 10) {
              problem = "more than 10 fields";
            }
            for (JsonElement field : block.getAsJsonArray("fields")) {
              if (field.getAsJsonObject().get("text").getAsString().length() > 2000) {
                problem = "a field longer than 2000 characters";
              }
            }
          }
        } else if (type.equals("actions")) {
          for (JsonElement el : block.getAsJsonArray("elements")) {
            JsonObject button = el.getAsJsonObject();
            if (!"button".equals(button.get("type").getAsString())
                || !"plain_text".equals(button.getAsJsonObject("text").get("type").getAsString())) {
              problem = "an action element must be a button with plain_text";
            }
          }
        }
      }
    }
    if (problem != null) {
      throw new Refusal(new Answer(400, "text/plain", "invalid_payload"), problem);
    }
    out[0] = new Received("slack", m, Map.of(), headers);
    return new Answer(200, "text/plain", "ok");
  }

  private Answer twilio(String body, Map<String, String> headers, Received[] out) {
    String path = headers.get(":path");
    String expectedPath = "/2010-04-01/Accounts/" + TWILIO_SID + "/Messages.json";
    String expectedAuth =
        "Basic "
            + Base64.getEncoder()
                .encodeToString((TWILIO_SID + ":" + TWILIO_TOKEN).getBytes(StandardCharsets.UTF_8));
    if (!expectedPath.equals(path) || !expectedAuth.equals(headers.get("authorization"))) {
      throw new Refusal(
          new Answer(
              401,
              "application/json",
              "{\"code\":20003,\"message\":\"Authenticate\",\"more_info\":\"https://www.twilio.com/docs/errors/20003\",\"status\":401}"),
          "bad account or credentials");
    }
    if (!headers.getOrDefault("content-type", "").startsWith("application/x-www-form-urlencoded")) {
      throw new Refusal(
          new Answer(400, "application/json", "{\"code\":20001,\"status\":400}"), "not a form");
    }
    Map<String, String> form = new LinkedHashMap<>();
    for (String pair : body.split("&")) {
      int eq = pair.indexOf('=');
      form.put(
          URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
          URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
    }
    String to = form.getOrDefault("To", "");
    String text = form.getOrDefault("Body", "");
    if (!E164.matcher(to).matches()
        || form.getOrDefault("From", "").isEmpty()
        || text.isEmpty()
        || text.length() > 1600) {
      throw new Refusal(
          new Answer(
              400,
              "application/json",
              "{\"code\":21604,\"message\":\"A 'To' phone number, 'From' and a 'Body' of at most"
                  + " 1600 characters are required.\",\"status\":400}"),
          "bad form " + form);
    }
    out[0] = new Received("sms", null, form, headers);
    String sid = String.format("SM%032x", twilioIds.incrementAndGet());
    return new Answer(
        201,
        "application/json",
        "{\"sid\":\""
            + sid
            + "\",\"account_sid\":\""
            + TWILIO_SID
            + "\",\"to\":\""
            + to
            + "\",\"status\":\"queued\"}");
  }

  private Answer webhook(String body, Map<String, String> headers, Received[] out) {
    String signature = headers.getOrDefault("x-avalo-signature", "");
    java.util.regex.Matcher sig = Pattern.compile("t=(\\d+),v1=([0-9a-f]{64})").matcher(signature);
    if (!sig.matches()
        || !hmacSha256Hex(WEBHOOK_SECRET, sig.group(1) + "." + body).equals(sig.group(2))) {
      throw new Refusal(new Answer(401, "text/plain", "bad signature"), "signature " + signature);
    }
    JsonObject m = JsonParser.parseString(body).getAsJsonObject();
    if (!"4".equals(m.get("version").getAsString())
        || !Set.of("firing", "resolved").contains(m.get("status").getAsString())
        || m.getAsJsonArray("alerts").isEmpty()) {
      throw new Refusal(new Answer(400, "text/plain", "not an Alertmanager v4 message"), body);
    }
    out[0] = new Received("webhook", m, Map.of(), headers);
    return new Answer(200, "text/plain", "");
  }

  /** The receiving side's own HMAC check (what a webhook consumer computes). */
  static String hmacSha256Hex(String secret, String content) {
    try {
      javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
      mac.init(
          new javax.crypto.spec.SecretKeySpec(
              secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      return java.util.HexFormat.of()
          .formatHex(mac.doFinal(content.getBytes(StandardCharsets.UTF_8)));
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
