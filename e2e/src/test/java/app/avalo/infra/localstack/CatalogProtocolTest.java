package app.avalo.infra.localstack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import app.avalo.infra.platform.Access;
import app.avalo.infra.platform.Catalog;
import app.avalo.infra.testing.AuthEmulator;
import app.avalo.infra.testing.Emulators;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Runs over every catalogued function through the dev server (so a new function is covered by
 * adding its catalog line): malformed input is INVALID_ARGUMENT and writes nothing, and the access
 * level holds (no token 401, bad token 401, non-admin on admin 403).
 */
class CatalogProtocolTest {
  private static DevServer server;
  private static AuthEmulator.User user;
  private static AuthEmulator.User admin;

  @BeforeAll
  static void start() {
    server = LocalStack.server();
    user = AuthEmulator.newUser();
    admin = AuthEmulator.newAdmin();
  }

  /** The bodies every function must refuse, for its protocol. */
  static List<String[]> malformed(Catalog.Entry e) {
    List<String[]> cases = new ArrayList<>();
    String json = "application/json";
    if (!e.httpGet()) {
      cases.add(new String[] {"GET", json, null}); // a health endpoint answers GET (test below)
    }
    cases.add(
        new String[] {"POST", "text/plain", e.usesCallableProtocol() ? "{\"data\":{}}" : "{}"});
    cases.add(new String[] {"POST", json, "{\"data\": {"});
    cases.add(new String[] {"POST", json, "[1]"});
    cases.add(new String[] {"POST", json, "\"text\""});
    cases.add(new String[] {"POST", json, "{\"data\": {}} trailing"});
    if (e.usesCallableProtocol()) {
      cases.add(new String[] {"POST", json, "{\"data\": {}, \"extra\": true}"});
      cases.add(new String[] {"POST", json, "{\"data\": \"text\"}"});
      cases.add(new String[] {"POST", json, "{\"data\": [1, 2]}"});
      cases.add(new String[] {"POST", json, "{\"data\": {\"__bogus\": 1}}"});
      cases.add(
          new String[] {
            "POST",
            json,
            "{\"data\": {\"__bogus\": {\"@type\":"
                + " \"type.googleapis.com/google.protobuf.Int64Value\", \"value\": \"1\"}}}"
          });
    } else {
      cases.add(new String[] {"POST", json, "{\"__bogus\": 1}"});
      cases.add(new String[] {"POST", json, "{\"data\": {}}"});
    }
    return cases;
  }

  private static String tokenFor(Catalog.Entry e) {
    return switch (e.access()) {
      case ADMIN -> admin.idToken();
      case USER -> user.idToken();
      default -> null;
    };
  }

  @Test
  void catalogIsNotEmpty() {
    assertFalse(server.platform().catalog().entries().isEmpty(), "the catalog lists no functions");
  }

  @TestFactory
  Stream<DynamicTest> malformedInputIsRefusedAndWritesNothing() {
    return server.platform().catalog().entries().stream()
        .map(
            e ->
                DynamicTest.dynamicTest(
                    e.name(),
                    () -> {
                      long before = Emulators.firestoreWriteCount();
                      for (String[] c : malformed(e)) {
                        LocalStack.Exchange r =
                            LocalStack.send(c[0], "/" + e.name(), c[1], c[2], tokenFor(e));
                        assertEquals(
                            400, r.status(), e.name() + " " + c[0] + " " + c[2] + " → " + r.body());
                        assertEquals(
                            true,
                            r.body().contains("\"INVALID_ARGUMENT\""),
                            e.name() + ": " + r.body());
                      }
                      assertEquals(
                          before,
                          Emulators.firestoreWriteCount(),
                          e.name() + " wrote to Firestore while refusing input");
                    }));
  }

  @TestFactory
  Stream<DynamicTest> accessLevelIsEnforced() {
    return server.platform().catalog().entries().stream()
        .filter(e -> e.access() == Access.USER || e.access() == Access.ADMIN)
        .map(
            e ->
                DynamicTest.dynamicTest(
                    e.name(),
                    () -> {
                      long before = Emulators.firestoreWriteCount();
                      String body = "{\"data\": {}}";
                      assertEquals(
                          401,
                          LocalStack.send("POST", "/" + e.name(), "application/json", body, null)
                              .status(),
                          e.name() + " without token");
                      assertEquals(
                          401,
                          LocalStack.send(
                                  "POST",
                                  "/" + e.name(),
                                  "application/json",
                                  body,
                                  "forged.token.value")
                              .status(),
                          e.name() + " with a forged token");
                      if (e.access() == Access.ADMIN) {
                        LocalStack.Exchange r =
                            LocalStack.send(
                                "POST", "/" + e.name(), "application/json", body, user.idToken());
                        assertEquals(403, r.status(), e.name() + " as a non-admin: " + r.body());
                      }
                      // The Firebase emulator path answers the same way.
                      String emulatorPath =
                          "/"
                              + server.platform().config().projectId()
                              + "/"
                              + server.platform().catalog().defaultRegion()
                              + "/"
                              + e.name();
                      assertEquals(
                          401,
                          LocalStack.send("POST", emulatorPath, "application/json", body, null)
                              .status());
                      assertEquals(
                          before,
                          Emulators.firestoreWriteCount(),
                          e.name() + " wrote while refusing a caller");
                    }));
  }

  @TestFactory
  Stream<DynamicTest> healthEndpointsAnswerAPlainGet() {
    return server.platform().catalog().entries().stream()
        .filter(Catalog.Entry::httpGet)
        .map(
            e ->
                DynamicTest.dynamicTest(
                    e.name(),
                    () -> {
                      long before = Emulators.firestoreWriteCount();
                      LocalStack.Exchange r =
                          LocalStack.send("GET", "/" + e.name(), null, null, null);
                      assertEquals(200, r.status(), e.name() + " → " + r.body());
                      assertEquals(
                          true, r.body().contains("\"status\":\"ok\""), e.name() + ": " + r.body());
                      assertEquals(
                          before, Emulators.firestoreWriteCount(), e.name() + " wrote on a GET");
                    }));
  }

  @Test
  void unknownPathsAre404() throws Exception {
    assertEquals(
        404,
        LocalStack.send("POST", "/noSuchFunction", "application/json", "{\"data\":{}}", null)
            .status());
    assertEquals(
        404,
        LocalStack.send(
                "POST",
                "/other-project/europe-west10/getRouting",
                "application/json",
                "{\"data\":{}}",
                null)
            .status());
  }
}
