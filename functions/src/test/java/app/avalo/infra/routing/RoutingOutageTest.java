package app.avalo.infra.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.avalo.infra.platform.Json;
import app.avalo.infra.testing.AuthEmulator;
import app.avalo.infra.testing.Emulators;
import app.avalo.infra.testing.TcpProxy;
import app.avalo.infra.testing.TestBed;
import com.google.cloud.firestore.Firestore;
import com.google.gson.JsonObject;
import org.junit.jupiter.api.Test;

/**
 * Firestore goes away under a running routing instance (a loopback proxy in front of the emulator
 * is cut): every getRouting still answers, pinned users from this instance's cached pin, with a
 * reason that says so, and nobody gets an error.
 */
class RoutingOutageTest {
  private static JsonObject route(TestBed bed, AuthEmulator.User user, String service)
      throws Exception {
    JsonObject data = new JsonObject();
    data.addProperty("service", service);
    data.addProperty("country", "DE");
    return RoutingFixtures.result(
        bed.callAsUser(user, bed.function("getRouting"), Json.write(data)));
  }

  @Test
  void routingAnswersFromTheViewAndTheCachedPinWhileFirestoreIsCut() throws Exception {
    Firestore direct = Emulators.isolatedFirestore();
    try (TcpProxy proxy = new TcpProxy(Emulators.firestoreHost());
        TestBed bed =
            RoutingFixtures.bed()
                .firestore(Emulators.firestore(proxy.address(), direct.getOptions().getProjectId()))
                .env("ROUTING_PIN_CACHE_TTL_SECONDS", "1")
                .build()) {
      RoutingFixtures.initializeRegions(bed, null);
      AuthEmulator.User known = TestBed.newUser();
      AuthEmulator.User stranger = TestBed.newUser();
      assertEquals(
          "pin-assigned: nearest-region", route(bed, known, "chat").get("reason").getAsString());

      proxy.cut();

      // Within the cached pin's TTL.
      JsonObject pinned = route(bed, known, "wallet");
      assertEquals("EU", pinned.get("region").getAsString());
      assertTrue(pinned.get("pinned").getAsBoolean());
      assertEquals(
          "pinned", pinned.get("reason").getAsString(), "a fresh cached pin needs no read");

      JsonObject unpinned = route(bed, stranger, "feed");
      assertEquals("EU", unpinned.get("region").getAsString());
      assertEquals("nearest-region", unpinned.get("reason").getAsString());

      // A user this instance has never seen: the pin cannot be read or assigned.
      JsonObject unknown = route(bed, stranger, "chat");
      assertEquals("EU", unknown.get("region").getAsString());
      assertFalse(unknown.get("pinned").getAsBoolean());
      assertEquals(
          "pin-unavailable: Firestore unavailable; answering nearest-region",
          unknown.get("reason").getAsString());

      // Once the cached pin is past its TTL the pin is read again; that read fails, and the last
      // pin this instance knew is answered with a reason that says so.
      Thread.sleep(1_200);
      JsonObject stale = route(bed, known, "calls");
      assertEquals("EU", stale.get("region").getAsString());
      assertTrue(stale.get("pinned").getAsBoolean());
      assertEquals("pinned (cached pin: Firestore unavailable)", stale.get("reason").getAsString());

      proxy.restore();
    }
  }
}
