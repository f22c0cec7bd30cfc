package app.avalo.infra.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * scheduler.yaml and docs/functions.md are generated from catalog.json and checked in, so a change
 * to any function's contract or sizing shows in review; this fails while either is stale.
 */
class CatalogFilesTest {
  private static Path repoRoot() {
    String root = System.getProperty("avalo.repo.root");
    if (root == null || !Files.isRegularFile(Path.of(root, "catalog.json"))) {
      fail(
          "system property avalo.repo.root does not point at the repo root (is "
              + root
              + "); run with bin/test");
    }
    return Path.of(root);
  }

  @Test
  void checkedInFilesEqualTheirGenerationFromCatalogJson() throws Exception {
    Path root = repoRoot();
    Catalog catalog = CatalogFiles.load(root);
    for (var file : CatalogFiles.generate(catalog).entrySet()) {
      Path path = root.resolve(file.getKey());
      String actual =
          Files.isRegularFile(path) ? Files.readString(path, StandardCharsets.UTF_8) : "(missing)";
      assertEquals(
          file.getValue(),
          actual,
          file.getKey()
              + " is stale: it is generated from catalog.json;"
              + " regenerate with "
              + CatalogFiles.REGENERATE
              + " and commit the result");
    }
  }

  @Test
  void theJarsCatalogIsTheRepoRootsCatalog() throws Exception {
    // The jar ships catalog.json as a resource; a stale build would deploy other settings than
    // reviewed.
    assertEquals(CatalogFiles.load(repoRoot()).entries(), Catalog.bundled().entries());
  }

  @Test
  void aChangedEntryChangesTheGeneratedFiles() {
    String before = CatalogFiles.functionTable(TestFunctions.CATALOG);
    String yaml = CatalogFiles.schedulerYaml(TestFunctions.CATALOG);
    assertTrue(
        before.contains(
            "| `echoPublic` | `platform.TestFunctions$EchoPublic` | callable | public |  |  |  |"
                + " 256Mi | 1 | 40 | 0–5 | yes | 10 s |"),
        before);
    assertTrue(
        yaml.contains(
            """
              - function: countingJob
                schedule: "* * * * *"
                timeZone: Etc/UTC
                attemptDeadline: 30s
                retry:
                  maxRetryAttempts: 3
            """),
        yaml);
  }

  @Test
  void staleFilesAreNamed(@TempDir Path dir) throws Exception {
    Catalog catalog = TestFunctions.CATALOG;
    assertEquals(List.of("scheduler.yaml", "docs/functions.md"), CatalogFiles.stale(dir, catalog));
    Files.createDirectories(dir.resolve("docs"));
    for (var file : CatalogFiles.generate(catalog).entrySet()) {
      Files.writeString(dir.resolve(file.getKey()), file.getValue());
    }
    assertEquals(List.of(), CatalogFiles.stale(dir, catalog));
    Catalog changed =
        Catalog.parse(new StringReader(Files.readString(repoRoot().resolve("catalog.json"))));
    assertEquals(List.of("scheduler.yaml", "docs/functions.md"), CatalogFiles.stale(dir, changed));
  }
}
