package app.avalo.infra.cdn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import app.avalo.infra.platform.Access;
import app.avalo.infra.platform.ApiFunction;
import app.avalo.infra.platform.Catalog;
import app.avalo.infra.testing.AuthEmulator;
import app.avalo.infra.testing.Emulators;
import app.avalo.infra.testing.FakeExchange;
import app.avalo.infra.testing.TestBed;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Every CDN function refuses malformed input with 400 and writes nothing, whatever its access
 * level.
 */
class CdnInputValidationTest {
  private final RecordingPurger purger = new RecordingPurger();
  private final QueuedTasks tasks = new QueuedTasks();
  @RegisterExtension final TestBed bed = CdnFixtures.bed(purger, tasks).build();
  private final AuthEmulator.User admin = AuthEmulator.newAdmin();

  @Test
  void malformedInputIsRefusedWithoutWrites() throws Exception {
    List<Catalog.Entry> entries =
        bed.platform.catalog().entries().stream()
            .filter(e -> e.entryPoint().startsWith("app.avalo.infra.cdn."))
            .toList();
    assertEquals(13, entries.size(), "all thirteen CDN functions are catalogued");
    List<String> bodies =
        List.of(
            "{\"__bogus\":1}",
            "\"x\"",
            "[1]",
            "{\"assetId\":{\"a\":1}}",
            "{\"data\":7}",
            "{\"path\":42}",
            "{\"scheduledFor\":\"yesterday\"}");
    long writes = Emulators.firestoreWriteCount();
    for (Catalog.Entry entry : entries) {
      for (String body : bodies) {
        FakeExchange exchange = FakeExchange.post();
        if (entry.access() == Access.PRIVATE) {
          exchange.body(body);
        } else {
          exchange.bearer(admin.idToken()).data(body);
        }
        var response = exchange.send(function(entry));
        assertEquals(400, response.status(), entry.name() + " " + body + " → " + response.body());
        assertEquals("INVALID_ARGUMENT", response.errorStatus(), entry.name() + " " + body);
      }
    }
    assertEquals(writes, Emulators.firestoreWriteCount(), "no function wrote anything");
    assertFalse(CdnFixtures.objects(bed, "").stream().anyMatch(p -> p.startsWith("media/")));
    assertFalse(
        CdnFixtures.objectsIn(bed, CdnFixtures.UPLOADS, "").stream()
            .anyMatch(p -> p.startsWith("private/")));
  }

  private ApiFunction function(Catalog.Entry entry) {
    return bed.function(entry.name());
  }
}
