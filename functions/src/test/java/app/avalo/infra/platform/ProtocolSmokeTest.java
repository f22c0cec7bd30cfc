package app.avalo.infra.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;

import app.avalo.infra.testing.AuthEmulator;
import app.avalo.infra.testing.Emulators;
import app.avalo.infra.testing.FakeExchange;
import java.time.Clock;
import org.junit.jupiter.api.Test;

class ProtocolSmokeTest {
  @Test
  void userFunctionAnswersSignedInUser() throws Exception {
    App app = App.builder(Emulators.env()).firestore(Emulators.isolatedFirestore()).clock(Clock.systemUTC())
        .catalog(TestFunctions.CATALOG).build();
    AuthEmulator.User user = AuthEmulator.newUser();
    var response = FakeExchange.post().bearer(user.idToken()).data("{\"n\": 5}").send(new TestFunctions.EchoUser(() -> app));
    assertEquals(200, response.status(), response.body());
    assertEquals(user.uid(), response.result().getAsJsonObject().get("uid").getAsString());
  }
}
