package app.avalo.infra.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The scripts a developer runs ({@code bin/*}, {@code deploy.sh}) must work on macOS's bash 3.2 and
 * BSD tools. No bash 3.2 can be installed here (Debian ships 5.2 only), so this test cannot run
 * them under 3.2; it refuses, line by line, the constructs that 3.2 or BSD tools do not have. It is
 * a guard against regressions, not a proof: it knows only the constructs listed below.
 */
class ShellPortabilityTest {
  private static final Path ROOT =
      Path.of(System.getProperty("avalo.repo.root", "..")).toAbsolutePath().normalize();

  /** What bash 3.2 or BSD userland lacks, and why it matters. */
  private static final Map<Pattern, String> FORBIDDEN =
      Map.ofEntries(
          Map.entry(Pattern.compile("\\bdeclare\\s+-[a-zA-Z]*A"), "associative arrays (bash 4)"),
          Map.entry(Pattern.compile("\\b(mapfile|readarray)\\b"), "mapfile/readarray (bash 4)"),
          Map.entry(
              Pattern.compile("\\$\\{[A-Za-z_][A-Za-z0-9_]*(,,|\\^\\^|,|\\^)\\}"),
              "case modification (bash 4)"),
          Map.entry(Pattern.compile("\\|&"), "|& (bash 4)"),
          Map.entry(Pattern.compile("&>>"), "&>> (bash 4)"),
          Map.entry(Pattern.compile("\\bcoproc\\b"), "coproc (bash 4)"),
          Map.entry(Pattern.compile("\\b(declare|local)\\s+-n\\b"), "namerefs (bash 4.3)"),
          Map.entry(Pattern.compile("\\[-1\\]\\}"), "negative array index (bash 4.3)"),
          Map.entry(Pattern.compile("\\breadlink\\s+-f\\b"), "readlink -f (GNU; use _resolve)"),
          Map.entry(Pattern.compile("\\bdate\\s+-d\\b"), "date -d (GNU)"),
          Map.entry(Pattern.compile("\\bgrep\\s+(-[a-zA-Z]*P|--perl)"), "grep -P (GNU)"),
          Map.entry(Pattern.compile("\\bstat\\s+-c\\b"), "stat -c (GNU)"),
          Map.entry(
              Pattern.compile("\\bsed\\s+(-[a-zA-Z]*i\\b|--in-place)"), "sed -i (GNU/BSD differ)"),
          Map.entry(
              Pattern.compile("^\\s*sha256sum\\b|[;|&(]\\s*sha256sum\\b"),
              "sha256sum (GNU; use _sha256)"),
          Map.entry(Pattern.compile("\\bxargs\\s+-r\\b"), "xargs -r (GNU)"),
          Map.entry(Pattern.compile("-printf\\b"), "find -printf (GNU)"),
          Map.entry(Pattern.compile("\\btimeout\\s+\\d"), "timeout (GNU coreutils)"));

  /** An array expanded as "${a[@]}" is unbound under set -u in bash before 4.4 when it is empty. */
  private static final Pattern BARE_ARRAY =
      Pattern.compile("\"\\$\\{([A-Za-z_][A-Za-z0-9_]*)\\[@\\]\\}\"");

  @Test
  void developerScriptsUseOnlyWhatBash32AndBsdToolsHave() throws IOException {
    List<Path> scripts = scripts();
    assertTrue(scripts.size() >= 6, "found the scripts: " + scripts);
    List<String> problems = new ArrayList<>();
    for (Path script : scripts) {
      List<String> lines = Files.readAllLines(script, StandardCharsets.UTF_8);
      for (int i = 0; i < lines.size(); i++) {
        String line = lines.get(i);
        // "# portable: why" marks a line that is one branch of a portability switch (e.g. GNU vs
        // BSD).
        String code =
            line.strip().startsWith("#") || line.contains("# portable:")
                ? ""
                : line.replaceAll("\\s#.*$", "");
        for (Map.Entry<Pattern, String> f : FORBIDDEN.entrySet()) {
          if (f.getKey().matcher(code).find()) {
            problems.add(
                ROOT.relativize(script)
                    + ":"
                    + (i + 1)
                    + ": "
                    + f.getValue()
                    + ": "
                    + line.strip());
          }
        }
        Matcher bare = BARE_ARRAY.matcher(code);
        while (bare.find()) {
          String guarded = "${" + bare.group(1) + "[@]+";
          if (!code.contains(guarded)) {
            problems.add(
                ROOT.relativize(script)
                    + ":"
                    + (i + 1)
                    + ": unguarded \"${"
                    + bare.group(1)
                    + "[@]}\" (write ${"
                    + bare.group(1)
                    + "[@]+\"${"
                    + bare.group(1)
                    + "[@]}\"}): "
                    + line.strip());
          }
        }
      }
    }
    assertEquals(List.of(), problems);
  }

  @Test
  void theGuardCatchesWhatItIsMeantTo() {
    String[] bad = {
      "declare -A seen",
      "mapfile -t lines < f",
      "echo ${name,,}",
      "cmd |& tee x",
      "x=$(readlink -f \"$0\")",
      "sed -i 's/a/b/' f",
      "sha256sum \"$f\"",
      "local -n ref=x"
    };
    for (String line : bad) {
      assertTrue(FORBIDDEN.keySet().stream().anyMatch(p -> p.matcher(line).find()), line);
    }
    assertFalse(
        FORBIDDEN.keySet().stream()
            .anyMatch(p -> p.matcher("if command -v sha256sum >/dev/null").find()));
    assertTrue(BARE_ARRAY.matcher("run \"${args[@]}\"").find());
  }

  private static List<Path> scripts() throws IOException {
    List<Path> out = new ArrayList<>();
    out.add(ROOT.resolve("deploy.sh"));
    try (Stream<Path> bin = Files.list(ROOT.resolve("bin"))) {
      bin.filter(Files::isRegularFile).sorted().forEach(out::add);
    }
    return out;
  }
}
