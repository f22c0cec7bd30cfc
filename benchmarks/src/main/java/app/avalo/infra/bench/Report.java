package app.avalo.infra.bench;

import app.avalo.infra.platform.Json;
import com.sun.management.OperatingSystemMXBean;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Collects benchmark results and writes them as BENCHMARKS.md (for people) and results.json (for
 * tools).
 */
final class Report {
  /** One measured number, with its target and baseline where it has them. */
  record Row(
      String benchmark,
      String measure,
      String value,
      String baseline,
      String ratio,
      String target,
      String verdict) {}

  private final List<Row> rows = new ArrayList<>();
  private final List<String> notes = new ArrayList<>();
  private final Map<String, Object> raw = new LinkedHashMap<>();
  private final Instant started = Clock.systemUTC().instant();

  void row(
      String benchmark,
      String measure,
      String value,
      String baseline,
      String ratio,
      String target,
      String verdict) {
    rows.add(new Row(benchmark, measure, value, baseline, ratio, target, verdict));
    System.out.printf(
        "%-28s %-42s %14s  baseline %-14s ratio %-8s target %-14s %s%n",
        benchmark, measure, value, baseline, ratio, target, verdict);
  }

  void note(String text) {
    notes.add(text);
    System.out.println("note: " + text);
  }

  void raw(String key, Object value) {
    raw.put(key, value);
  }

  static String ms(double millis) {
    return String.format("%.2f ms", millis);
  }

  static String rate(double perSecond, String unit) {
    return String.format("%.0f %s/s", perSecond, unit);
  }

  static String times(double ratio) {
    return String.format("%.1f×", ratio);
  }

  static String verdict(boolean met) {
    return met ? "met" : "NOT met";
  }

  void write(Path markdown, Path json, String command) throws IOException {
    StringBuilder md = new StringBuilder();
    md.append("# Benchmarks\n\n");
    md.append("Measured by `")
        .append(command)
        .append("` on ")
        .append(started)
        .append(" (UTC).\n\n");
    md.append("Machine: ")
        .append(Runtime.getRuntime().availableProcessors())
        .append(" cores, ")
        .append(totalMemoryGiB())
        .append(" GiB RAM, ")
        .append(System.getProperty("os.name"))
        .append(' ')
        .append(System.getProperty("os.version"))
        .append(", Java ")
        .append(System.getProperty("java.version"))
        .append(" (")
        .append(System.getProperty("java.vm.name"))
        .append(").\n");
    md.append(
            "Everything runs on this one machine over loopback: the Firestore and Auth emulators,"
                + " the dev server ")
        .append(
            "hosting the functions through the Functions Framework invoker, and the load generator."
                + " ")
        .append(
            "Emulator latencies are not Firestore's; ratios against a baseline measured in the same"
                + " run are ")
        .append("the meaningful numbers.\n\n");
    md.append("Reproduce: `bin/bench` (all) or `bin/bench --only NAME[,NAME]`; raw numbers in ")
        .append("`benchmarks/target/results.json`.\n\n");
    md.append("| benchmark | measure | value | baseline | ratio | target | verdict |\n");
    md.append("|---|---|---|---|---|---|---|\n");
    for (Row r : rows) {
      md.append("| ")
          .append(
              String.join(
                  " | ",
                  r.benchmark(),
                  r.measure(),
                  r.value(),
                  r.baseline(),
                  r.ratio(),
                  r.target(),
                  r.verdict()))
          .append(" |\n");
    }
    if (!notes.isEmpty()) {
      md.append("\n## Notes\n\n");
      for (String n : notes) {
        md.append("- ").append(n).append('\n');
      }
    }
    Files.writeString(markdown, md.toString());
    Map<String, Object> all = new LinkedHashMap<>();
    all.put("started", started.toString());
    all.put("rows", rows);
    all.put("raw", raw);
    Files.createDirectories(json.getParent());
    Files.writeString(json, Json.GSON.newBuilder().setPrettyPrinting().create().toJson(all));
  }

  private static long totalMemoryGiB() {
    var os = ManagementFactory.getOperatingSystemMXBean();
    if (os instanceof OperatingSystemMXBean sun) {
      return Math.round(sun.getTotalMemorySize() / (1024.0 * 1024 * 1024));
    }
    return -1;
  }
}
