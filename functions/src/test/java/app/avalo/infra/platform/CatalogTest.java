package app.avalo.infra.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.StringReader;
import org.junit.jupiter.api.Test;

class CatalogTest {
  @Test
  void everyProblemIsReportedAtOnce() {
    String bad = """
        {"region": "europe-west10", "functions": [
          {"name": "Bad-Name", "entryPoint": "x", "kind": "callable", "access": "user", "memory": "512Mi", "timeoutSeconds": 10, "description": "d"},
          {"name": "aJob", "entryPoint": "app.avalo.infra.X", "kind": "job", "access": "admin", "memory": "3Ti", "timeoutSeconds": 0, "description": "d"},
          {"name": "aJob", "entryPoint": "app.avalo.infra.Y", "kind": "callable", "access": "root", "memory": "512Mi", "timeoutSeconds": 10, "schedule": "* * * * *"}
        ]}""";
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> Catalog.parse(new StringReader(bad)));
    String m = e.getMessage();
    for (String expected : new String[] {"Bad-Name: name must be camelCase", "aJob: a job needs a schedule",
        "memory must look like", "timeoutSeconds must be 1-3600", "jobs are private", "listed twice",
        "access is missing or unknown: root", "only jobs have a schedule", "description is required"}) {
      assertTrue(m.contains(expected), "missing '" + expected + "' in:\n" + m);
    }
  }

  @Test
  void entriesAreFoundByNameAndClass() {
    Catalog c = TestFunctions.CATALOG;
    assertEquals(Access.ADMIN, c.byName("adminAction").orElseThrow().access());
    assertTrue(c.byName("adminAction").orElseThrow().audited());
    assertEquals("countingJob", c.forClass(TestFunctions.CountingJob.class).orElseThrow().name());
    assertTrue(c.byName("backendCall").map(e -> !e.usesCallableProtocol()).orElseThrow());
  }

  @Test
  void bundledCatalogLoads() {
    Catalog bundled = Catalog.bundled();
    assertEquals("europe-west10", bundled.defaultRegion());
  }
}
