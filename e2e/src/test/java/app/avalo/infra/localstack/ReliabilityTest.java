package app.avalo.infra.localstack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.avalo.infra.platform.Access;
import app.avalo.infra.platform.Catalog;
import app.avalo.infra.platform.Firestores;
import app.avalo.infra.platform.JobRunner;
import app.avalo.infra.platform.Json;
import app.avalo.infra.testing.AuthEmulator;
import app.avalo.infra.testing.Emulators;
import com.google.cloud.firestore.DocumentSnapshot;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The reliability suite, over the whole catalog through the dev server: every hostile value put
 * into every real field of a function (from {@code reliability/valid-inputs.json}) is refused as
 * INVALID_ARGUMENT naming that field and writes nothing; hostile values under the usual field names
 * next to an unknown key never cause a 5xx or a write; every scheduled job delivered several times
 * for one scheduled time, concurrently and again later, has exactly one effect.
 */
class ReliabilityTest {
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static DevServer server;
  private static AuthEmulator.User user;
  private static AuthEmulator.User admin;

  /**
   * Field names the functions use, for the variant next to an unknown key (that key alone makes the
   * call a 400, so it proves only "no 5xx, no write"; the real-field test proves the refusal).
   */
  private static final List<String> FIELDS =
      List.of(
          "service",
          "userId",
          "chatId",
          "ticketId",
          "sessionId",
          "regionId",
          "fromRegion",
          "toRegion",
          "assetId",
          "alertId",
          "backupId",
          "period",
          "model",
          "cpu",
          "rps",
          "instances",
          "latencyMs",
          "bytes",
          "inputTokens",
          "durationMinutes",
          "from",
          "to",
          "samples",
          "location",
          "country",
          "rttMs",
          "data",
          "path",
          "note",
          "reason",
          "confirm",
          "width",
          "formats",
          "dryRun",
          "scheduledFor");

  /** Valid inputs per function, so hostile values go into each function's real fields. */
  private static final JsonObject VALID_INPUTS = loadValidInputs();

  private static JsonObject loadValidInputs() {
    var in = ReliabilityTest.class.getResourceAsStream("/reliability/valid-inputs.json");
    assertNotNull(in, "reliability/valid-inputs.json is missing from the test resources");
    return Json.parseStrict(new InputStreamReader(in, StandardCharsets.UTF_8)).getAsJsonObject();
  }

  private static final String LONG = "x".repeat(100_000);

  /** Values that no field of any function accepts. */
  private static final List<String> HOSTILE =
      List.of(
          "\"" + LONG + "\"",
          "\"\\u0000\\ud83d\\ude00\\u202e../../etc/passwd\"",
          "{\"@type\":\"type.googleapis.com/google.protobuf.Int64Value\",\"value\":\"9223372036854775808\"}",
          "{\"@type\":\"type.googleapis.com/google.protobuf.Int64Value\",\"value\":\"-0x10\"}",
          "{\"@type\":\"type.googleapis.com/google.protobuf.Int64Value\"}",
          "1e400",
          "-1e-400",
          "[" + "[".repeat(40) + "]".repeat(40) + "]",
          "{\"a\":".repeat(40) + "1" + "}".repeat(40),
          "[" + "1,".repeat(20_000) + "1]");

  /**
   * The same values for the real-field test, with the two deeply nested ones at a depth the body
   * parser still takes (its 32-level limit refuses the 41-level ones before any field is read), so
   * that they reach the field's validator.
   */
  private static final List<String> FIELD_HOSTILE =
      HOSTILE.stream()
          .map(
              v ->
                  v.startsWith("[[")
                      ? "[".repeat(24) + "]".repeat(24)
                      : v.startsWith("{\"a\":{") ? "{\"a\":".repeat(24) + "1" + "}".repeat(24) : v)
          .toList();

  @BeforeAll
  static void start() {
    server = LocalStack.server();
    user = AuthEmulator.newUser();
    admin = AuthEmulator.newAdmin();
  }

  private static String tokenFor(Catalog.Entry e) {
    return e.access() == Access.ADMIN
        ? admin.idToken()
        : e.access() == Access.USER ? user.idToken() : null;
  }

  private static String body(Catalog.Entry e, String field, String value) {
    String object = "{\"" + field + "\":" + value + ", \"\\u00e9\\u0301\": true}";
    return e.usesCallableProtocol() ? "{\"data\":" + object + "}" : object;
  }

  /** A valid input, and the hostile values that are valid in some of its fields (by path). */
  private record ValidInput(JsonObject input, Map<String, List<String>> accepts) {}

  /** The valid inputs of one function (jobs: their one field), placeholders filled in. */
  private static List<ValidInput> validInputs(Catalog.Entry e, boolean sentOnly) {
    if (e.isJob()) {
      JsonObject input = new JsonObject();
      input.addProperty("scheduledFor", "2020-01-01T00:00:00Z");
      return sentOnly
          ? List.of()
          : List.of(new ValidInput(input, Map.of())); // a valid call would run the job
    }
    JsonElement listed = VALID_INPUTS.get(e.name());
    assertNotNull(
        listed,
        e.name()
            + " has no valid input in reliability/valid-inputs.json: add one, so hostile values"
            + " reach its real fields");
    List<ValidInput> inputs = new ArrayList<>();
    for (JsonElement item : listed.getAsJsonArray()) {
      JsonObject sample = item.getAsJsonObject();
      if (sentOnly && !sample.get("send").getAsBoolean()) {
        continue;
      }
      Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
      String text =
          sample
              .get("input")
              .toString()
              .replace("$UID", user.uid())
              .replace("$NOW", now.minusSeconds(5).toString())
              .replace("$HOUR_AGO", now.minusSeconds(3600).toString());
      Map<String, List<String>> accepts = new HashMap<>();
      if (sample.has("accepts")) {
        sample
            .getAsJsonObject("accepts")
            .entrySet()
            .forEach(
                a ->
                    accepts.put(
                        a.getKey(),
                        a.getValue().getAsJsonArray().asList().stream()
                            .map(JsonElement::getAsString)
                            .toList()));
      }
      inputs.add(new ValidInput(Json.parseStrict(text).getAsJsonObject(), accepts));
    }
    return inputs;
  }

  private static String envelope(Catalog.Entry e, JsonElement input) {
    return e.usesCallableProtocol() ? "{\"data\":" + input + "}" : input.toString();
  }

  /**
   * Every field of an input by its dotted path ({@code location.lat}, {@code
   * samples[0].latencyMs}).
   */
  private static List<String> paths(JsonElement node, String prefix, List<String> into) {
    if (node.isJsonObject()) {
      for (var entry : node.getAsJsonObject().entrySet()) {
        String path = prefix.isEmpty() ? entry.getKey() : prefix + "." + entry.getKey();
        into.add(path);
        paths(entry.getValue(), path, into);
      }
    } else if (node.isJsonArray()) {
      for (int i = 0; i < node.getAsJsonArray().size(); i++) {
        String path = prefix + "[" + i + "]";
        into.add(path);
        paths(node.getAsJsonArray().get(i), path, into);
      }
    }
    return into;
  }

  /** A copy of {@code input} with the field at {@code path} replaced by {@code value}. */
  private static JsonObject replaced(JsonObject input, String path, JsonElement value) {
    JsonObject copy = input.deepCopy();
    JsonElement parent = copy;
    Matcher m = Pattern.compile("([^.\\[\\]]+)|\\[(\\d+)\\]").matcher(path);
    List<String> steps = new ArrayList<>();
    while (m.find()) {
      steps.add(m.group(1) != null ? m.group(1) : "#" + m.group(2));
    }
    for (int i = 0; i < steps.size(); i++) {
      String step = steps.get(i);
      boolean last = i == steps.size() - 1;
      if (step.startsWith("#")) {
        int index = Integer.parseInt(step.substring(1));
        if (last) {
          parent.getAsJsonArray().set(index, value);
        } else {
          parent = parent.getAsJsonArray().get(index);
        }
      } else if (last) {
        parent.getAsJsonObject().add(step, value);
      } else {
        parent = parent.getAsJsonObject().get(step);
      }
    }
    return copy;
  }

  /** Stands in for a hostile value until the body is text. */
  private static final String MARK = "__reliability_hostile_value__";

  private static String shortly(String value) {
    return value.length() > 60 ? value.substring(0, 60) + "…" : value;
  }

  @Test
  void validInputsNameOnlyCatalogedFunctions() {
    for (String name : VALID_INPUTS.keySet()) {
      if (!name.startsWith("__")) {
        assertTrue(
            server.platform().catalog().entries().stream()
                .anyMatch(e -> e.name().equals(name) && !e.isJob()),
            "reliability/valid-inputs.json lists "
                + name
                + ", which is no callable or private function in catalog.json");
      }
    }
  }

  @TestFactory
  Stream<DynamicTest> validInputsAreNotRefused() {
    return server.platform().catalog().entries().stream()
        .map(
            e ->
                DynamicTest.dynamicTest(
                    e.name(),
                    () -> {
                      for (JsonObject input :
                          validInputs(e, true).stream().map(ValidInput::input).toList()) {
                        LocalStack.Exchange r =
                            LocalStack.send(
                                "POST",
                                "/" + e.name(),
                                "application/json",
                                envelope(e, input),
                                tokenFor(e));
                        assertTrue(
                            r.status() < 500,
                            e.name() + " " + input + " → " + r.status() + " " + r.body());
                        assertFalse(
                            r.body().contains("\"INVALID_ARGUMENT\""),
                            e.name()
                                + ": the table's valid input "
                                + input
                                + " is refused, so it does not name real fields: "
                                + r.body());
                      }
                    }));
  }

  @TestFactory
  Stream<DynamicTest> hostileValuesInRealFieldsAreRefusedNamingTheField() {
    return server.platform().catalog().entries().stream()
        .map(
            e ->
                DynamicTest.dynamicTest(
                    e.name(),
                    () -> {
                      List<String> problems = new ArrayList<>();
                      for (ValidInput valid : validInputs(e, false)) {
                        JsonObject input = valid.input();
                        for (String path : paths(input, "", new ArrayList<>())) {
                          for (String value : FIELD_HOSTILE) {
                            boolean validHere =
                                valid.accepts().getOrDefault(path, List.of()).contains(value);
                            // The hostile text goes in verbatim, as a client would send it.
                            String body =
                                envelope(e, replaced(input, path, new JsonPrimitive(MARK)))
                                    .replace("\"" + MARK + "\"", value);
                            String what = e.name() + " " + path + "=" + shortly(value);
                            long before = Emulators.firestoreWriteCount();
                            LocalStack.Exchange r =
                                LocalStack.send(
                                    "POST", "/" + e.name(), "application/json", body, tokenFor(e));
                            if (validHere) {
                              // Listed as valid for this field: it must be taken like any valid
                              // value.
                              if (r.status() >= 400) {
                                problems.add(
                                    what
                                        + ": listed as valid here but answered "
                                        + r.status()
                                        + " "
                                        + shortly(r.body()));
                              }
                              continue;
                            }
                            String problem = refusalProblem(r, path);
                            if (problem != null) {
                              problems.add(what + ": " + problem);
                            }
                            if (before != Emulators.firestoreWriteCount()) {
                              problems.add(what + ": wrote to Firestore");
                            }
                          }
                        }
                      }
                      assertTrue(
                          problems.isEmpty(),
                          problems.size()
                              + " hostile values not refused for their field:\n"
                              + String.join("\n", problems));
                    }));
  }

  /**
   * Why {@code r} is not an INVALID_ARGUMENT naming {@code path} (or a field inside it), or null.
   */
  private static String refusalProblem(LocalStack.Exchange r, String path) {
    if (r.status() != 400) {
      return "answered " + r.status() + " " + shortly(r.body());
    }
    JsonObject error = Json.parseStrict(r.body()).getAsJsonObject().getAsJsonObject("error");
    if (!"INVALID_ARGUMENT".equals(error.get("status").getAsString())) {
      return "refused as " + error.get("status");
    }
    JsonElement details = error.get("details");
    if (details == null || !details.isJsonObject() || !details.getAsJsonObject().has("field")) {
      return "refused without naming a field: " + error.get("message");
    }
    String field = details.getAsJsonObject().get("field").getAsString();
    if (!field.equals(path) && !field.startsWith(path + ".") && !field.startsWith(path + "[")) {
      return "refused for " + field + ", not for the hostile field: " + error.get("message");
    }
    if (field.equals(path) && error.get("message").getAsString().endsWith("is not a known field")) {
      return "the table names a field the function does not have";
    }
    return null;
  }

  @TestFactory
  Stream<DynamicTest> hostileInputNextToAnUnknownKeyNeverCausesA5xxOrAWrite() {
    return server.platform().catalog().entries().stream()
        .map(
            e ->
                DynamicTest.dynamicTest(
                    e.name(),
                    () -> {
                      for (String field : FIELDS) {
                        for (String value : HOSTILE) {
                          long before = Emulators.firestoreWriteCount();
                          LocalStack.Exchange r =
                              LocalStack.send(
                                  "POST",
                                  "/" + e.name(),
                                  "application/json",
                                  body(e, field, value),
                                  tokenFor(e));
                          String what = e.name() + " " + field + "=" + shortly(value);
                          assertTrue(r.status() < 500, what + " → " + r.status() + " " + r.body());
                          assertEquals(400, r.status(), what + " → " + r.body());
                          assertEquals(
                              before,
                              Emulators.firestoreWriteCount(),
                              what + " wrote to Firestore");
                        }
                      }
                    }));
  }

  @TestFactory
  Stream<DynamicTest> scheduledJobsDeliveredManyTimesHaveOneEffect() {
    return server.platform().catalog().entries().stream()
        .filter(Catalog.Entry::isJob)
        .map(
            e ->
                DynamicTest.dynamicTest(
                    e.name(),
                    () -> {
                      // A scheduled time of its own for every run of this test (jobs are once per
                      // scheduled time).
                      String scheduleTime =
                          Instant.now()
                              .truncatedTo(ChronoUnit.SECONDS)
                              .minusSeconds(
                                  7L * 24 * 3600 + Math.abs(e.name().hashCode() % 100_000))
                              .toString();
                      List<CompletableFuture<HttpResponse<String>>> concurrent = new ArrayList<>();
                      for (int i = 0; i < 3; i++) {
                        concurrent.add(
                            HTTP.sendAsync(
                                HttpRequest.newBuilder(
                                        URI.create(server.baseUrl() + "/" + e.name()))
                                    .header("Content-Type", "application/json")
                                    .header("X-CloudScheduler-ScheduleTime", scheduleTime)
                                    .POST(HttpRequest.BodyPublishers.ofString("{}"))
                                    .build(),
                                HttpResponse.BodyHandlers.ofString()));
                      }
                      Map<String, Integer> outcomes = new HashMap<>();
                      for (var f : concurrent) {
                        HttpResponse<String> r = f.get();
                        assertEquals(200, r.statusCode(), e.name() + ": " + r.body());
                        outcomes.merge(
                            Json.parseStrict(r.body())
                                .getAsJsonObject()
                                .get("outcome")
                                .getAsString(),
                            1,
                            Integer::sum);
                      }
                      HttpResponse<String> later =
                          HTTP.send(
                              HttpRequest.newBuilder(URI.create(server.baseUrl() + "/" + e.name()))
                                  .header("Content-Type", "application/json")
                                  .header("X-CloudScheduler-ScheduleTime", scheduleTime)
                                  .POST(HttpRequest.BodyPublishers.ofString("{}"))
                                  .build(),
                              HttpResponse.BodyHandlers.ofString());
                      assertEquals(200, later.statusCode(), later.body());
                      assertEquals(
                          "duplicate",
                          Json.parseStrict(later.body())
                              .getAsJsonObject()
                              .get("outcome")
                              .getAsString(),
                          e.name()
                              + " re-delivered after it finished must do nothing: "
                              + later.body());
                      assertEquals(
                          1,
                          outcomes.getOrDefault("succeeded", 0),
                          e.name() + " outcomes " + outcomes);
                      DocumentSnapshot run =
                          Firestores.await(
                              server
                                  .platform()
                                  .firestore()
                                  .collection(JobRunner.RUNS)
                                  .document(e.name() + "@" + scheduleTime)
                                  .get());
                      assertEquals("succeeded", run.getString("outcome"));
                      assertEquals(1L, run.getLong("attempts"), e.name() + " ran more than once");
                    }));
  }
}
