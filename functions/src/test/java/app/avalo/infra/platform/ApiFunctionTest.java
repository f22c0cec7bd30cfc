package app.avalo.infra.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.avalo.infra.testing.AuthEmulator;
import app.avalo.infra.testing.Emulators;
import app.avalo.infra.testing.FakeExchange;
import app.avalo.infra.testing.FakeExchange.Response;
import com.google.cloud.firestore.Firestore;
import com.google.cloud.firestore.QueryDocumentSnapshot;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The callable and private protocols, the access levels and auditing, end to end against the
 * emulators.
 */
class ApiFunctionTest {
  private static Firestore db;
  private static Platform app;
  private static AuthEmulator.User user;
  private static AuthEmulator.User admin;

  @BeforeAll
  static void setUp() {
    db = Emulators.isolatedFirestore();
    app =
        Platform.builder(Emulators.env())
            .firestore(db)
            .clock(Clock.systemUTC())
            .catalog(TestFunctions.CATALOG)
            .build();
    user = AuthEmulator.newUser();
    admin = AuthEmulator.newAdmin();
  }

  private static TestFunctions.EchoPublic publicFn() {
    return new TestFunctions.EchoPublic(app);
  }

  private static void assertError(Response r, int http, String status) {
    assertEquals(http, r.status(), r.body());
    assertEquals(status, r.errorStatus(), r.body());
  }

  @Test
  void answersTheCallableEnvelope() throws Exception {
    Response r = FakeExchange.post().data("{\"n\": 5, \"name\": \"ala\"}").send(publicFn());
    assertEquals(200, r.status(), r.body());
    assertEquals(5, r.result().getAsJsonObject().get("n").getAsLong());
    assertTrue(r.header("Content-Type").orElseThrow().startsWith("application/json"));
  }

  @Test
  void malformedRequestsAreInvalidArgument() throws Exception {
    assertError(FakeExchange.post().method("GET").send(publicFn()), 400, "INVALID_ARGUMENT");
    assertError(
        FakeExchange.post().method("PUT").data("{}").send(publicFn()), 400, "INVALID_ARGUMENT");
    assertError(
        FakeExchange.post().contentType("text/plain").data("{}").send(publicFn()),
        400,
        "INVALID_ARGUMENT");
    assertError(FakeExchange.post().body("{\"data\": {").send(publicFn()), 400, "INVALID_ARGUMENT");
    assertError(
        FakeExchange.post().body("{\"data\": {}, \"extra\": 1}").send(publicFn()),
        400,
        "INVALID_ARGUMENT");
    assertError(
        FakeExchange.post().body("{\"notData\": {}}").send(publicFn()), 400, "INVALID_ARGUMENT");
    assertError(FakeExchange.post().body("[1,2]").send(publicFn()), 400, "INVALID_ARGUMENT");
    assertError(FakeExchange.post().data("\"text\"").send(publicFn()), 400, "INVALID_ARGUMENT");
    assertError(FakeExchange.post().body("").send(publicFn()), 400, "INVALID_ARGUMENT");
    Response unknown = FakeExchange.post().data("{\"n\": 1, \"bogus\": true}").send(publicFn());
    assertError(unknown, 400, "INVALID_ARGUMENT");
    assertEquals(
        "bogus",
        unknown
            .json()
            .getAsJsonObject("error")
            .getAsJsonObject("details")
            .get("field")
            .getAsString());
    Response range = FakeExchange.post().data("{\"n\": -1}").send(publicFn());
    assertError(range, 400, "INVALID_ARGUMENT");
    assertTrue(range.errorMessage().startsWith("n: "), range.errorMessage());
  }

  @Test
  void bodyLargerThanTheCapIsRefused() throws Exception {
    // A request the function accepts, padded with JSON whitespace: only the size cap can refuse it.
    String valid = "{\"data\": {\"name\": \"ok\"}}";
    int cap = ApiFunction.DEFAULT_MAX_BODY_BYTES;
    Response atCap =
        FakeExchange.post().body(valid + " ".repeat(cap - valid.length())).send(publicFn());
    assertEquals(200, atCap.status(), atCap.body());
    Response overCap =
        FakeExchange.post().body(valid + " ".repeat(cap - valid.length() + 1)).send(publicFn());
    assertError(overCap, 400, "INVALID_ARGUMENT");
    assertTrue(overCap.body().contains("larger than " + cap + " bytes"), overCap.body());
  }

  @Test
  void int64ValueWrappersAreAccepted() throws Exception {
    Response r =
        FakeExchange.post()
            .data(
                "{\"n\": {\"@type\": \"type.googleapis.com/google.protobuf.Int64Value\", \"value\":"
                    + " \"9007199254740993\"}}")
            .send(publicFn());
    assertEquals(200, r.status(), r.body());
    assertEquals(9007199254740993L, r.result().getAsJsonObject().get("n").getAsLong());
  }

  @Test
  void accessMatrix() throws Exception {
    TestFunctions.EchoUser userFn = new TestFunctions.EchoUser(app);
    TestFunctions.AdminAction adminFn = new TestFunctions.AdminAction(app);
    String read = "{\"what\": \"read\"}";
    // user function
    assertError(FakeExchange.post().data("{}").send(userFn), 401, "UNAUTHENTICATED");
    assertError(
        FakeExchange.post().bearer("not-a-token").data("{}").send(userFn), 401, "UNAUTHENTICATED");
    assertError(
        FakeExchange.post().header("Authorization", "Basic abc").data("{}").send(userFn),
        401,
        "UNAUTHENTICATED");
    assertEquals(200, FakeExchange.post().bearer(user.idToken()).data("{}").send(userFn).status());
    // admin function
    assertError(FakeExchange.post().data(read).send(adminFn), 401, "UNAUTHENTICATED");
    assertError(
        FakeExchange.post().bearer(user.idToken()).data(read).send(adminFn),
        403,
        "PERMISSION_DENIED");
    assertEquals(
        200, FakeExchange.post().bearer(admin.idToken()).data(read).send(adminFn).status());
    // public function: no token is fine, a bad token is not
    assertEquals(200, FakeExchange.post().data("{}").send(publicFn()).status());
    assertError(
        FakeExchange.post().bearer("forged").data("{}").send(publicFn()), 401, "UNAUTHENTICATED");
    Response asAdmin = FakeExchange.post().bearer(admin.idToken()).data("{}").send(publicFn());
    assertTrue(asAdmin.result().getAsJsonObject().get("admin").getAsBoolean());
  }

  @Test
  void adminActionsAreAuditedAndRefusedInputWritesNothing() throws Exception {
    TestFunctions.AdminAction adminFn = new TestFunctions.AdminAction(app);
    String marker = "audit-" + System.nanoTime();
    Response ok =
        FakeExchange.post()
            .bearer(admin.idToken())
            .data("{\"what\": \"" + marker + "\"}")
            .send(adminFn);
    assertEquals(200, ok.status(), ok.body());
    List<QueryDocumentSnapshot> records =
        Firestores.await(
                db.collection(AuditLog.COLLECTION).whereEqualTo("action", "adminAction").get())
            .getDocuments();
    QueryDocumentSnapshot record =
        records.stream()
            .filter(d -> d.getString("arguments").contains(marker))
            .findFirst()
            .orElseThrow();
    assertEquals(admin.uid(), record.getString("actorUid"));
    assertEquals(admin.email(), record.getString("actorEmail"));
    assertEquals("ok", record.getString("outcome"));
    assertTrue(record.getTimestamp("at") != null);

    long before = Emulators.firestoreWriteCount();
    assertError(
        FakeExchange.post().bearer(admin.idToken()).data("{\"what\": 5}").send(adminFn),
        400,
        "INVALID_ARGUMENT");
    assertError(
        FakeExchange.post().bearer(user.idToken()).data("{\"what\": \"x\"}").send(adminFn),
        403,
        "PERMISSION_DENIED");
    assertEquals(before, Emulators.firestoreWriteCount(), "refused requests must write nothing");
  }

  @Test
  void unexpectedFailuresAnswerInternalWithoutDetail() throws Exception {
    TestFunctions.AdminAction adminFn = new TestFunctions.AdminAction(app);
    Response r =
        FakeExchange.post().bearer(admin.idToken()).data("{\"what\": \"explode\"}").send(adminFn);
    assertError(r, 500, "INTERNAL");
    assertEquals("internal error", r.errorMessage());
    assertFalse(r.body().contains("secret"), r.body());
    assertFalse(r.body().contains("Exception"), r.body());
  }

  @Test
  void corsPreflightFollowsTheAllowedOrigins() throws Exception {
    Response allowed =
        FakeExchange.post()
            .method("OPTIONS")
            .header("Origin", "http://localhost:5173")
            .header("Access-Control-Request-Headers", "authorization,content-type")
            .send(publicFn());
    assertEquals(204, allowed.status());
    assertEquals(
        "http://localhost:5173", allowed.header("Access-Control-Allow-Origin").orElseThrow());
    assertEquals(
        "authorization,content-type", allowed.header("Access-Control-Allow-Headers").orElseThrow());
    Response denied =
        FakeExchange.post()
            .method("OPTIONS")
            .header("Origin", "https://evil.example")
            .send(publicFn());
    assertEquals(403, denied.status());
    assertTrue(denied.header("Access-Control-Allow-Origin").isEmpty());
    Response call =
        FakeExchange.post().header("Origin", "http://127.0.0.1:8080").data("{}").send(publicFn());
    assertEquals("http://127.0.0.1:8080", call.header("Access-Control-Allow-Origin").orElseThrow());
  }

  @Test
  void privateFunctionsSpeakPlainJson() throws Exception {
    TestFunctions.BackendCall backend = new TestFunctions.BackendCall(app);
    Response ok = FakeExchange.post().body("{\"value\": 3}").send(backend);
    assertEquals(200, ok.status(), ok.body());
    assertEquals(3, ok.json().get("value").getAsInt());
    Response bad = FakeExchange.post().body("{\"value\": 30}").send(backend);
    assertError(bad, 400, "INVALID_ARGUMENT");
    assertError(
        FakeExchange.post().body("{\"data\": {\"value\": 3}}").send(backend),
        400,
        "INVALID_ARGUMENT");
  }
}
