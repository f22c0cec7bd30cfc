package app.avalo.infra.platform;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The files generated from {@code catalog.json}: {@code scheduler.yaml} (the Cloud Scheduler jobs,
 * named by SPEC §2/§7) and {@code docs/functions.md} (the golden function table, so any change to a
 * function's contract shows in review). Both are checked in; {@code CatalogFilesTest} fails when
 * either differs from what this class generates.
 *
 * <p>{@code bin/generate-catalog-files} runs {@link #main}: {@code CatalogFiles REPO_ROOT
 * [--check]}.
 */
public final class CatalogFiles {
  public static final String REGENERATE = "bin/generate-catalog-files";
  public static final String SCHEDULER_YAML = "scheduler.yaml";
  public static final String FUNCTION_TABLE = "docs/functions.md";

  private CatalogFiles() {}

  /** Every generated file by its path under the repo root. */
  public static Map<String, String> generate(Catalog catalog) {
    Map<String, String> files = new LinkedHashMap<>();
    files.put(SCHEDULER_YAML, schedulerYaml(catalog));
    files.put(FUNCTION_TABLE, functionTable(catalog));
    return files;
  }

  /** One Cloud Scheduler job per catalogued job, every setting resolved (defaults + overrides). */
  public static String schedulerYaml(Catalog catalog) {
    StringBuilder out = new StringBuilder();
    out.append("# GENERATED from catalog.json by ")
        .append(REGENERATE)
        .append(" - do not edit. Change the job in\n")
        .append(
            "# catalog.json (\"schedule\", \"scheduler\", or defaults.scheduler) and regenerate;"
                + " CatalogFilesTest\n")
        .append(
            "# fails while this file is stale. deploy.sh creates or updates one Cloud Scheduler"
                + " HTTP job per\n")
        .append(
            "# entry that POSTs {} to the function with an OIDC token; the dev server fires them"
                + " the same way.\n")
        .append("jobs:\n");
    for (Catalog.Entry e : catalog.jobs()) {
      Catalog.SchedulerSettings s = e.scheduler();
      Catalog.Retry r = s.retry();
      out.append("  - function: ")
          .append(e.name())
          .append('\n')
          .append("    schedule: \"")
          .append(s.schedule().replace("\\", "\\\\").replace("\"", "\\\""))
          .append("\"\n")
          .append("    timeZone: ")
          .append(s.timeZone())
          .append('\n')
          .append("    attemptDeadline: ")
          .append(s.attemptDeadline())
          .append('\n')
          .append("    retry:\n")
          .append("      maxRetryAttempts: ")
          .append(r.maxRetryAttempts())
          .append('\n')
          .append("      minBackoff: ")
          .append(r.minBackoff())
          .append('\n')
          .append("      maxBackoff: ")
          .append(r.maxBackoff())
          .append('\n')
          .append("      maxDoublings: ")
          .append(r.maxDoublings())
          .append('\n');
    }
    return out.toString();
  }

  /** The golden table: every function's contract and sizing, one row each, in catalog order. */
  public static String functionTable(Catalog catalog) {
    StringBuilder out = new StringBuilder();
    out.append("# Functions\n\n")
        .append("<!-- GENERATED from catalog.json by ")
        .append(REGENERATE)
        .append(" - do not edit; CatalogFilesTest fails")
        .append(" while it is stale. -->\n\n")
        .append(
            "Every deployed function as `catalog.json` declares it. CPU is in vCPU; instances are"
                + " min–max; ")
        .append(
            "boost is Cloud Run's startup CPU boost; attempt deadline is how long Cloud Scheduler"
                + " waits ")
        .append(
            "for one delivery. Sizing not set on an entry comes from the defaults of its kind"
                + " (below).\n\n");
    out.append(
        "| Name | Class | Kind | Access | Audited | Schedule | Attempt deadline | Memory | CPU |"
            + " Concurrency | Instances | Boost | Timeout |\n");
    out.append("|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
    for (Catalog.Entry e : catalog.entries()) {
      Catalog.Sizing s = e.sizing();
      row(
          out,
          "`" + e.name() + "`",
          "`" + e.entryPoint().substring("app.avalo.infra.".length()) + "`",
          lower(e.kind()),
          lower(e.access()),
          e.audited() ? "yes" : "",
          e.isJob() ? "`" + e.scheduler().schedule() + "`" : "",
          e.isJob() ? e.scheduler().attemptDeadline() : "",
          e.memory(),
          s.cpu(),
          s.concurrency(),
          s.minInstances() + "–" + s.maxInstances(),
          s.cpuBoost() ? "yes" : "",
          e.timeoutSeconds() + " s");
    }
    out.append("\n## Regions\n\n")
        .append("Every function is deployed in `")
        .append(catalog.defaultRegion())
        .append("` except these, deployed in each region listed (a job gets one scheduler job")
        .append(" per region):\n\n")
        .append("| Name | Regions | Plain GET |\n")
        .append("|---|---|---|\n");
    for (Catalog.Entry e : catalog.entries()) {
      if (!e.regions().equals(List.of(catalog.defaultRegion())) || e.httpGet()) {
        row(
            out,
            "`" + e.name() + "`",
            String.join(", ", e.regions()),
            e.httpGet() ? "yes (200/503)" : "");
      }
    }
    out.append("\n## Scheduler settings\n\n")
        .append(
            "| Job | Schedule | Time zone | Attempt deadline | Retries | Backoff | Doublings |\n")
        .append("|---|---|---|---|---|---|---|\n");
    for (Catalog.Entry e : catalog.jobs()) {
      Catalog.SchedulerSettings j = e.scheduler();
      row(
          out,
          "`" + e.name() + "`",
          "`" + j.schedule() + "`",
          j.timeZone(),
          j.attemptDeadline(),
          j.retry().maxRetryAttempts(),
          j.retry().minBackoff() + "–" + j.retry().maxBackoff(),
          j.retry().maxDoublings());
    }
    out.append(
            "\n"
                + "## Defaults per kind\n\n"
                + "| Kind | CPU | Concurrency | Instances | Boost | JVM flags (`JAVA_TOOL_OPTIONS`)"
                + " |\n")
        .append("|---|---|---|---|---|---|\n");
    for (Catalog.Kind kind : Catalog.Kind.values()) {
      Catalog.Sizing s = catalog.defaultSizing(kind);
      row(
          out,
          lower(kind),
          s.cpu(),
          s.concurrency(),
          s.minInstances() + "–" + s.maxInstances(),
          s.cpuBoost() ? "yes" : "",
          flags(s.javaToolOptions()));
    }
    out.append(
        """

        ## JVM flags other than the kind's default

        | Function | JVM flags (`JAVA_TOOL_OPTIONS`) |
        |---|---|
        """);
    for (Catalog.Entry e : catalog.entries()) {
      String flags = e.sizing().javaToolOptions();
      if (!flags.equals(catalog.defaultSizing(e.kind()).javaToolOptions())) {
        row(out, "`" + e.name() + "`", flags(flags));
      }
    }
    return out.toString();
  }

  /** One Markdown table row of {@code cells}. */
  private static void row(StringBuilder out, Object... cells) {
    out.append("| ");
    for (int i = 0; i < cells.length; i++) {
      out.append(i == 0 ? "" : " | ").append(cells[i]);
    }
    out.append(" |\n");
  }

  private static String flags(String javaToolOptions) {
    return javaToolOptions.isBlank() ? "(none)" : "`" + javaToolOptions + "`";
  }

  private static String lower(Enum<?> value) {
    return value.name().toLowerCase(Locale.ROOT);
  }

  /** Reads {@code catalog.json} under {@code root}. */
  public static Catalog load(Path root) throws IOException {
    try (Reader reader =
        Files.newBufferedReader(root.resolve("catalog.json"), StandardCharsets.UTF_8)) {
      return Catalog.parse(reader);
    }
  }

  /**
   * The generated files under {@code root} that differ from their generation (empty: all current).
   */
  public static List<String> stale(Path root, Catalog catalog) throws IOException {
    List<String> stale = new ArrayList<>();
    for (Map.Entry<String, String> file : generate(catalog).entrySet()) {
      Path path = root.resolve(file.getKey());
      if (!Files.isRegularFile(path)
          || !Files.readString(path, StandardCharsets.UTF_8).equals(file.getValue())) {
        stale.add(file.getKey());
      }
    }
    return stale;
  }

  /**
   * {@code CatalogFiles REPO_ROOT [--check]}: writes the generated files, or with --check lists
   * stale ones.
   */
  public static void main(String[] args) throws IOException {
    if (args.length < 1 || args.length > 2 || (args.length == 2 && !args[1].equals("--check"))) {
      System.err.println("usage: CatalogFiles REPO_ROOT [--check]");
      System.exit(2);
    }
    Path root = Path.of(args[0]);
    Catalog catalog = load(root);
    if (args.length == 2) {
      List<String> stale = stale(root, catalog);
      if (!stale.isEmpty()) {
        System.err.println(
            "stale (generated from catalog.json): "
                + String.join(", ", stale)
                + "; regenerate with "
                + REGENERATE);
        System.exit(1);
      }
      return;
    }
    for (Map.Entry<String, String> file : generate(catalog).entrySet()) {
      Path path = root.resolve(file.getKey());
      Files.createDirectories(path.getParent() == null ? root : path.getParent());
      Files.writeString(path, file.getValue(), StandardCharsets.UTF_8);
      System.out.println("wrote " + file.getKey());
    }
  }
}
