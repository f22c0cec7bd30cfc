package app.avalo.infra.localstack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.avalo.infra.platform.Access;
import app.avalo.infra.platform.Catalog;
import app.avalo.infra.platform.Firestores;
import app.avalo.infra.platform.JobRunner;
import app.avalo.infra.platform.Json;
import app.avalo.infra.testing.AuthEmulator;
import app.avalo.infra.testing.Emulators;
import com.google.cloud.firestore.DocumentSnapshot;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The reliability suite, over the whole catalog through the dev server: a corpus of hostile input
 * never causes a 5xx and, when refused, never a write; every scheduled job delivered several
 * times for one scheduled time, concurrently and again later, has exactly one effect.
 */
class ReliabilityTest {
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static DevServer server;
  private static AuthEmulator.User user;
  private static AuthEmulator.User admin;

  /** Field names the functions use; each gets every hostile value below. */
  private static final List<String> FIELDS = List.of("service", "userId", "chatId", "ticketId", "sessionId",
      "regionId", "fromRegion", "toRegion", "assetId", "alertId", "backupId", "period", "model", "cpu", "rps",
      "instances", "latencyMs", "bytes", "inputTokens", "durationMinutes", "from", "to", "samples", "location",
      "country", "rttMs", "data", "path", "note", "reason", "confirm", "width", "formats", "dryRun", "scheduledFor");

  private static final String LONG = "x".repeat(100_000);

  /** Values that no field of any function accepts. */
  private static final List<String> HOSTILE = List.of(
      "\"" + LONG + "\"",
      "\"\\u0000\\ud83d\\ude00\\u202e../../etc/passwd\"",
      "{\"@type\":\"type.googleapis.com/google.protobuf.Int64Value\",\"value\":\"9223372036854775808\"}",
      "{\"@type\":\"type.googleapis.com/google.protobuf.Int64Value\",\"value\":\"-0x10\"}",
      "{\"@type\":\"type.googleapis.com/google.protobuf.Int64Value\"}",
      "1e400",
      "-1e-400",
      "[" + "[".repeat(40) + "]".repeat(40) + "]",
      "{\"a\":" .repeat(40) + "1" + "}".repeat(40),
      "[" + "1,".repeat(20_000) + "1]");

  @BeforeAll
  static void start() {
    server = LocalStack.server();
    user = AuthEmulator.newUser();
    admin = AuthEmulator.newAdmin();
  }

  private static String tokenFor(Catalog.Entry e) {
    return e.access() == Access.ADMIN ? admin.idToken() : e.access() == Access.USER ? user.idToken() : null;
  }

  private static String body(Catalog.Entry e, String field, String value) {
    String object = "{\"" + field + "\":" + value + ", \"\\u00e9\\u0301\": true}";
    return e.usesCallableProtocol() ? "{\"data\":" + object + "}" : object;
  }

  @TestFactory
  Stream<DynamicTest> hostileInputNeverCausesA5xxOrAWrite() {
    return server.app().catalog().entries().stream().map(e -> DynamicTest.dynamicTest(e.name(), () -> {
      for (String field : FIELDS) {
        for (String value : HOSTILE) {
          long before = Emulators.firestoreWriteCount();
          LocalStack.Exchange r = LocalStack.send("POST", "/" + e.name(), "application/json", body(e, field, value), tokenFor(e));
          String what = e.name() + " " + field + "=" + (value.length() > 60 ? value.substring(0, 60) + "…" : value);
          assertTrue(r.status() < 500, what + " → " + r.status() + " " + r.body());
          assertEquals(400, r.status(), what + " → " + r.body());
          assertEquals(before, Emulators.firestoreWriteCount(), what + " wrote to Firestore");
        }
      }
    }));
  }

  @TestFactory
  Stream<DynamicTest> scheduledJobsDeliveredManyTimesHaveOneEffect() {
    return server.app().catalog().entries().stream().filter(Catalog.Entry::isJob)
        .map(e -> DynamicTest.dynamicTest(e.name(), () -> {
          // A scheduled time of its own for every run of this test (jobs are once per scheduled time).
          String scheduleTime = java.time.Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS)
              .minusSeconds(7L * 24 * 3600 + Math.abs(e.name().hashCode() % 100_000)).toString();
          List<CompletableFuture<HttpResponse<String>>> concurrent = new ArrayList<>();
          for (int i = 0; i < 3; i++) {
            concurrent.add(HTTP.sendAsync(HttpRequest.newBuilder(URI.create(server.baseUrl() + "/" + e.name()))
                .header("Content-Type", "application/json")
                .header("X-CloudScheduler-ScheduleTime", scheduleTime)
                .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString()));
          }
          Map<String, Integer> outcomes = new HashMap<>();
          for (var f : concurrent) {
            HttpResponse<String> r = f.get();
            assertEquals(200, r.statusCode(), e.name() + ": " + r.body());
            outcomes.merge(Json.parseStrict(r.body()).getAsJsonObject().get("outcome").getAsString(), 1, Integer::sum);
          }
          HttpResponse<String> later = HTTP.send(HttpRequest.newBuilder(URI.create(server.baseUrl() + "/" + e.name()))
              .header("Content-Type", "application/json").header("X-CloudScheduler-ScheduleTime", scheduleTime)
              .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
          assertEquals(200, later.statusCode(), later.body());
          assertEquals("duplicate", Json.parseStrict(later.body()).getAsJsonObject().get("outcome").getAsString(),
              e.name() + " re-delivered after it finished must do nothing: " + later.body());
          assertEquals(1, outcomes.getOrDefault("succeeded", 0), e.name() + " outcomes " + outcomes);
          DocumentSnapshot run = Firestores.await(server.app().firestore().collection(JobRunner.RUNS)
              .document(e.name() + "@" + scheduleTime).get());
          assertEquals("succeeded", run.getString("outcome"));
          assertEquals(1L, run.getLong("attempts"), e.name() + " ran more than once");
        }));
  }
}
