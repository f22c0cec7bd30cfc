package app.avalo.infra.platform;

import com.google.gson.JsonObject;
import com.google.gson.annotations.SerializedName;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The function catalog ({@code catalog.json} at the repo root, shipped in the jar): the single
 * source of every function's deployed name, entry class, kind, access, memory, timeout and
 * schedule. Deployment, the dev server, the local scheduler and the catalog tests all read it.
 */
public final class Catalog {
  public static final String RESOURCE = "/app/avalo/infra/catalog.json";
  private static final Pattern NAME = Pattern.compile("[a-z][A-Za-z0-9]{2,62}");
  private static final Pattern MEMORY = Pattern.compile("(128|256|512)Mi|[1-9][0-9]?Gi");
  private static volatile Catalog bundled;

  public enum Kind {
    /** Called on demand: by apps (callable protocol) or by backends (plain JSON, private). */
    CALLABLE,
    /** Triggered by Cloud Scheduler; runs under a lease, once per scheduled time. */
    JOB
  }

  /** One catalogued function. */
  public record Entry(
      String name,
      String entryPoint,
      Kind kind,
      Access access,
      String memory,
      int timeoutSeconds,
      String schedule,
      boolean audited,
      String description) {

    public boolean isJob() {
      return kind == Kind.JOB;
    }

    /** Private functions speak plain JSON; all others the Firebase callable envelope. */
    public boolean usesCallableProtocol() {
      return access != Access.PRIVATE;
    }
  }

  private final Map<String, Entry> byName;
  private final Map<String, Entry> byEntryPoint;
  private final String defaultRegion;

  private Catalog(List<Entry> entries, String defaultRegion) {
    Map<String, Entry> names = new LinkedHashMap<>();
    Map<String, Entry> classes = new LinkedHashMap<>();
    for (Entry e : entries) {
      names.put(e.name(), e);
      classes.put(e.entryPoint(), e);
    }
    this.byName = Collections.unmodifiableMap(names);
    this.byEntryPoint = Collections.unmodifiableMap(classes);
    this.defaultRegion = defaultRegion;
  }

  /** The catalog shipped in the jar. */
  public static Catalog bundled() {
    Catalog c = bundled;
    if (c == null) {
      synchronized (Catalog.class) {
        if (bundled == null) {
          try (InputStream in = Catalog.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
              throw new IllegalStateException("catalog missing from the classpath at " + RESOURCE);
            }
            bundled = parse(new InputStreamReader(in, StandardCharsets.UTF_8));
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        }
        c = bundled;
      }
    }
    return c;
  }

  private static final class RawCatalog {
    String region;
    List<RawEntry> functions;
  }

  private static final class RawEntry {
    String name;
    String entryPoint;
    String kind;
    String access;
    String memory;
    Integer timeoutSeconds;
    String schedule;
    Boolean audited;
    String description;
    @SerializedName("__comment") String comment;
  }

  /** Parses and checks a catalog; every problem is reported at once. */
  public static Catalog parse(Reader reader) {
    JsonObject tree = Json.parseStrict(reader).getAsJsonObject();
    RawCatalog raw = Json.GSON.fromJson(tree, RawCatalog.class);
    List<String> problems = new ArrayList<>();
    List<Entry> entries = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    if (raw.region == null || raw.region.isBlank()) {
      problems.add("region is required");
    }
    for (RawEntry r : raw.functions == null ? List.<RawEntry>of() : raw.functions) {
      String where = "function " + r.name;
      if (r.name == null || !NAME.matcher(r.name).matches()) {
        problems.add(where + ": name must be camelCase");
        continue;
      }
      if (!seen.add(r.name)) {
        problems.add(where + ": listed twice");
      }
      Kind kind = parseEnum(Kind.class, r.kind, where + ": kind", problems);
      Access access = parseEnum(Access.class, r.access, where + ": access", problems);
      if (r.entryPoint == null || !r.entryPoint.startsWith("app.avalo.infra.")) {
        problems.add(where + ": entryPoint must be a class under app.avalo.infra");
      }
      if (r.memory == null || !MEMORY.matcher(r.memory).matches()) {
        problems.add(where + ": memory must look like 256Mi, 512Mi or 2Gi");
      }
      if (r.timeoutSeconds == null || r.timeoutSeconds < 1 || r.timeoutSeconds > 3600) {
        problems.add(where + ": timeoutSeconds must be 1-3600");
      }
      if (kind == Kind.JOB && (r.schedule == null || r.schedule.isBlank())) {
        problems.add(where + ": a job needs a schedule");
      }
      if (kind == Kind.CALLABLE && r.schedule != null) {
        problems.add(where + ": only jobs have a schedule");
      }
      if (kind == Kind.JOB && access != Access.PRIVATE) {
        problems.add(where + ": jobs are private (Cloud Scheduler calls them with OIDC)");
      }
      if (r.description == null || r.description.isBlank()) {
        problems.add(where + ": description is required");
      }
      if (kind != null && access != null && problems.isEmpty()) {
        entries.add(new Entry(r.name, r.entryPoint, kind, access, r.memory, r.timeoutSeconds,
            r.schedule, Boolean.TRUE.equals(r.audited), r.description));
      }
    }
    if (!problems.isEmpty()) {
      throw new IllegalStateException("catalog.json is invalid:\n  " + String.join("\n  ", problems));
    }
    return new Catalog(entries, raw.region);
  }

  private static <E extends Enum<E>> E parseEnum(Class<E> type, String value, String where, List<String> problems) {
    try {
      return Enum.valueOf(type, value.toUpperCase(Locale.ROOT));
    } catch (RuntimeException e) {
      problems.add(where + " is missing or unknown: " + value);
      return null;
    }
  }

  public List<Entry> entries() {
    return List.copyOf(byName.values());
  }

  public Optional<Entry> byName(String name) {
    return Optional.ofNullable(byName.get(name));
  }

  public Optional<Entry> forClass(Class<?> type) {
    return Optional.ofNullable(byEntryPoint.get(type.getName()));
  }

  public String defaultRegion() {
    return defaultRegion;
  }
}
