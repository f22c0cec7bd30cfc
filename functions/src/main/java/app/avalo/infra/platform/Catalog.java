package app.avalo.infra.platform;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import com.google.gson.annotations.SerializedName;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The function catalog ({@code catalog.json} at the repo root, shipped in the jar): the single
 * source of every per-function fact — deployed name, entry class, kind, access, memory, timeout,
 * Cloud Run sizing (CPU, concurrency, instances, startup boost, JVM flags) and, for jobs, the Cloud
 * Scheduler settings (schedule, time zone, attempt deadline, retries). Deployment, the dev server,
 * the local scheduler, the generated {@code scheduler.yaml} and {@code docs/functions.md}, and the
 * catalog tests all read it.
 *
 * <p>Sizing and scheduler settings are declared once per kind under {@code defaults}; an entry's
 * {@code sizing} / {@code scheduler} object overrides single fields. {@link #parse} checks them
 * against Cloud Run's and Cloud Scheduler's documented limits, so a plan the cloud would refuse
 * fails here, naming the function and the field.
 */
public final class Catalog {
  public static final String RESOURCE = "/app/avalo/infra/catalog.json";
  private static final Pattern NAME = Pattern.compile("[a-z][A-Za-z0-9]{2,62}");
  private static final Pattern MEMORY = Pattern.compile("(128|256|512)Mi|[1-9][0-9]?Gi");
  private static final Pattern CPU = Pattern.compile("[0-9]+(\\.[0-9]{1,3})?");
  private static final Pattern SECONDS = Pattern.compile("([0-9]{1,5})s");
  private static final Pattern JVM_FLAG = Pattern.compile("-[A-Za-z0-9:+=._/,%-]+");
  private static final Pattern HEAP_SIZE_FLAG =
      Pattern.compile("-Xmx.*|-Xms.*|-XX:MaxRAM=.*|-XX:MaxHeapSize=.*");
  private static volatile Catalog bundled;

  public enum Kind {
    /** Called on demand: by apps (callable protocol) or by backends (plain JSON, private). */
    CALLABLE,
    /** Triggered by Cloud Scheduler; runs under a lease, once per scheduled time. */
    JOB
  }

  /**
   * Cloud Run runtime sizing of one function: the kind's defaults with the entry's overrides.
   *
   * @param cpu vCPU as Cloud Run writes it ({@code "1"}, {@code "2"}, {@code "0.583"})
   * @param concurrency maximum concurrent requests per instance
   * @param minInstances instances kept warm
   * @param maxInstances upper bound of the autoscaler
   * @param cpuBoost startup CPU boost (more CPU while an instance starts)
   * @param javaToolOptions JVM start flags, deployed as the {@code JAVA_TOOL_OPTIONS} variable
   */
  public record Sizing(
      String cpu,
      int concurrency,
      int minInstances,
      int maxInstances,
      boolean cpuBoost,
      String javaToolOptions) {
    public double vcpu() {
      return Double.parseDouble(cpu);
    }
  }

  /** Cloud Scheduler retry settings (durations in seconds, e.g. {@code "10s"}). */
  public record Retry(
      int maxRetryAttempts, String minBackoff, String maxBackoff, int maxDoublings) {}

  /**
   * A job's Cloud Scheduler settings: the defaults with the entry's overrides.
   *
   * @param schedule unix-cron, read in {@code timeZone}
   * @param timeZone a tz database name, e.g. {@code Etc/UTC}
   * @param attemptDeadline how long Cloud Scheduler waits for one delivery, e.g. {@code "80s"}
   */
  public record SchedulerSettings(
      String schedule, String timeZone, String attemptDeadline, Retry retry) {
    public int attemptDeadlineSeconds() {
      return seconds(attemptDeadline);
    }
  }

  /**
   * One catalogued function.
   *
   * @param scheduler the Cloud Scheduler settings of a job; {@code null} for callables
   * @param regions the GCP regions it is deployed in (the catalog-wide default unless the entry
   *     lists several, e.g. the health checker and routing, which run in every region)
   * @param httpGet a public callable that also answers a plain {@code GET} (no body, no token) with
   *     200 or 503, for probes: {@code regionHealth}
   */
  public record Entry(
      String name,
      String entryPoint,
      Kind kind,
      Access access,
      String memory,
      int timeoutSeconds,
      String schedule,
      boolean audited,
      String description,
      Sizing sizing,
      SchedulerSettings scheduler,
      List<String> regions,
      boolean httpGet) {

    public Entry {
      regions = List.copyOf(regions);
    }

    public boolean isJob() {
      return kind == Kind.JOB;
    }

    /** Private functions speak plain JSON; all others the Firebase callable envelope. */
    public boolean usesCallableProtocol() {
      return access != Access.PRIVATE;
    }

    /** The scheduler settings, empty for callables. */
    public Optional<SchedulerSettings> schedulerSettings() {
      return Optional.ofNullable(scheduler);
    }
  }

  private final Map<String, Entry> byName;
  private final Map<String, Entry> byEntryPoint;
  private final String defaultRegion;
  private final Map<Kind, Sizing> defaultSizing;

  private Catalog(List<Entry> entries, String defaultRegion, Map<Kind, Sizing> defaultSizing) {
    Map<String, Entry> names = new LinkedHashMap<>();
    Map<String, Entry> classes = new LinkedHashMap<>();
    for (Entry e : entries) {
      names.put(e.name(), e);
      classes.put(e.entryPoint(), e);
    }
    this.byName = Collections.unmodifiableMap(names);
    this.byEntryPoint = Collections.unmodifiableMap(classes);
    this.defaultRegion = defaultRegion;
    this.defaultSizing = Collections.unmodifiableMap(new EnumMap<>(defaultSizing));
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
    JsonElement defaults;
    List<RawEntry> functions;

    @SuppressWarnings("UnusedVariable") // accepted so the file can carry notes; never read
    @SerializedName("__comment")
    String comment;
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
    JsonElement sizing;
    JsonElement scheduler;
    List<String> regions;
    Boolean httpGet;

    @SuppressWarnings("UnusedVariable") // accepted so the file can carry notes; never read
    @SerializedName("__comment")
    String comment;
  }

  private static final Pattern GCP_REGION = Pattern.compile("[a-z]+-[a-z]+[0-9]{1,2}");

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
    Defaults defaults = Defaults.read(raw.defaults, problems);
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
      boolean memoryOk = r.memory != null && MEMORY.matcher(r.memory).matches();
      if (!memoryOk) {
        problems.add(where + ": memory must look like 256Mi, 512Mi or 2Gi");
      } else if (mebibytes(r.memory) > 32 * 1024) {
        problems.add(r.name + ".memory: Cloud Run allows at most 32Gi");
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
      if (kind == Kind.CALLABLE && r.scheduler != null) {
        problems.add(r.name + ".scheduler: only jobs have scheduler settings");
      }
      if (kind == Kind.JOB && access != Access.PRIVATE) {
        problems.add(where + ": jobs are private (Cloud Scheduler calls them with OIDC)");
      }
      if (r.description == null || r.description.isBlank()) {
        problems.add(where + ": description is required");
      }
      List<String> regions =
          r.regions != null ? r.regions : raw.region == null ? List.of() : List.of(raw.region);
      if (r.regions != null && r.regions.isEmpty()) {
        problems.add(r.name + ".regions: list at least one region or leave it out");
      }
      for (int i = 0; i < regions.size(); i++) {
        String region = regions.get(i);
        if (region == null || !GCP_REGION.matcher(region).matches()) {
          problems.add(r.name + ".regions[" + i + "]: must be a GCP region like europe-west10");
        } else if (regions.indexOf(region) != i) {
          problems.add(r.name + ".regions[" + i + "]: " + region + " is listed twice");
        }
      }
      if (Boolean.TRUE.equals(r.httpGet) && (kind != Kind.CALLABLE || access != Access.PUBLIC)) {
        problems.add(r.name + ".httpGet: only public callables answer a plain GET");
      }
      Sizing sizing = null;
      SchedulerSettings scheduler = null;
      if (kind != null && defaults != null) {
        sizing = defaults.sizing(r, kind, memoryOk ? mebibytes(r.memory) : -1, problems);
        if (kind == Kind.JOB) {
          scheduler = defaults.scheduler(r, problems);
        }
      }
      if (kind != null
          && access != null
          && sizing != null
          && (kind == Kind.CALLABLE || scheduler != null)
          && problems.isEmpty()) {
        entries.add(
            new Entry(
                r.name,
                r.entryPoint,
                kind,
                access,
                r.memory,
                r.timeoutSeconds,
                r.schedule,
                Boolean.TRUE.equals(r.audited),
                r.description,
                sizing,
                scheduler,
                regions,
                Boolean.TRUE.equals(r.httpGet)));
      }
    }
    if (!problems.isEmpty()) {
      throw new IllegalStateException(
          "catalog.json is invalid:\n  " + String.join("\n  ", problems));
    }
    return new Catalog(entries, raw.region, defaults.sizing);
  }

  /** {@code defaults}: sizing per kind and the scheduler settings every job starts from. */
  private record Defaults(
      Map<Kind, Sizing> sizing,
      Map<Kind, PartialSizing> sizingFields,
      String timeZone,
      String attemptDeadline,
      Retry retry) {

    static Defaults read(JsonElement json, List<String> problems) {
      ObjectReader root = ObjectReader.of(json, "defaults", problems);
      if (root == null) {
        return null;
      }
      Map<Kind, Sizing> sizing = new EnumMap<>(Kind.class);
      Map<Kind, PartialSizing> fields = new EnumMap<>(Kind.class);
      ObjectReader sizingByKind = root.object("sizing", true);
      if (sizingByKind != null) {
        for (Kind kind : Kind.values()) {
          String key = kind.name().toLowerCase(Locale.ROOT);
          ObjectReader one = sizingByKind.object(key, true);
          if (one != null) {
            PartialSizing p = PartialSizing.read(one);
            one.done();
            Sizing complete = p.complete("defaults.sizing." + key, problems);
            if (complete != null) {
              sizing.put(kind, complete);
              fields.put(kind, p);
            }
          }
        }
        sizingByKind.done();
      }
      ObjectReader scheduler = root.object("scheduler", true);
      String timeZone = null;
      String attemptDeadline = null;
      Retry retry = null;
      if (scheduler != null) {
        timeZone = scheduler.string("timeZone", true);
        checkTimeZone("defaults.scheduler.timeZone", timeZone, problems);
        attemptDeadline = scheduler.string("attemptDeadline", false);
        ObjectReader retryJson = scheduler.object("retry", true);
        if (retryJson != null) {
          retry = PartialRetry.read(retryJson).over(null, "defaults.scheduler.retry", problems);
        }
        scheduler.done();
      }
      root.done();
      if (sizing.size() != Kind.values().length || timeZone == null || retry == null) {
        return null;
      }
      return new Defaults(sizing, fields, timeZone, attemptDeadline, retry);
    }

    Sizing sizing(RawEntry r, Kind kind, long memoryMiB, List<String> problems) {
      PartialSizing own = PartialSizing.EMPTY;
      if (r.sizing != null) {
        ObjectReader json = ObjectReader.of(r.sizing, r.name + ".sizing", problems);
        if (json == null) {
          return null;
        }
        own = PartialSizing.read(json);
        json.done();
      }
      Sizing s = own.over(sizingFields.get(kind)).complete(r.name + ".sizing", problems);
      if (s == null) {
        return null;
      }
      String from =
          own.cpu() != null ? "" : " (the " + kind.name().toLowerCase(Locale.ROOT) + " default)";
      return checkSizing(r.name, kind, s, memoryMiB, from, problems) ? s : null;
    }

    SchedulerSettings scheduler(RawEntry r, List<String> problems) {
      String timeZone = this.timeZone;
      String deadline = this.attemptDeadline;
      Retry retry = this.retry;
      if (r.scheduler != null) {
        ObjectReader json = ObjectReader.of(r.scheduler, r.name + ".scheduler", problems);
        if (json == null) {
          return null;
        }
        String ownZone = json.string("timeZone", false);
        if (ownZone != null) {
          timeZone = ownZone;
          checkTimeZone(r.name + ".scheduler.timeZone", ownZone, problems);
        }
        String ownDeadline = json.string("attemptDeadline", false);
        if (ownDeadline != null) {
          deadline = ownDeadline;
        }
        ObjectReader ownRetry = json.object("retry", false);
        if (ownRetry != null) {
          retry = PartialRetry.read(ownRetry).over(retry, r.name + ".scheduler.retry", problems);
        }
        json.done();
      }
      String where = r.name + ".scheduler.attemptDeadline";
      if (deadline == null) {
        problems.add(where + " is required (no default in defaults.scheduler)");
        return null;
      }
      Matcher m = SECONDS.matcher(deadline);
      if (!m.matches()) {
        problems.add(where + ": must be seconds like \"80s\", is \"" + deadline + "\"");
        return null;
      }
      int seconds = Integer.parseInt(m.group(1));
      if (seconds < 15 || seconds > 1800) {
        // Cloud Scheduler's limit for HTTP targets.
        problems.add(where + ": Cloud Scheduler allows 15s-1800s for HTTP targets, is " + deadline);
      } else if (r.timeoutSeconds != null
          && seconds < r.timeoutSeconds
          && r.timeoutSeconds <= 1800) {
        problems.add(
            where
                + ": "
                + deadline
                + " is shorter than timeoutSeconds "
                + r.timeoutSeconds
                + " (Cloud Scheduler would give up on a run that is still allowed to finish, and"
                + " retry it)");
      }
      if (retry == null || r.schedule == null) {
        return null;
      }
      return new SchedulerSettings(r.schedule, timeZone, deadline, retry);
    }
  }

  /**
   * Checks a function's merged sizing against Cloud Run's documented limits and this project's
   * rules.
   */
  private static boolean checkSizing(
      String name, Kind kind, Sizing s, long memoryMiB, String cpuFrom, List<String> problems) {
    int before = problems.size();
    String at = name + ".sizing.";
    if (!CPU.matcher(s.cpu()).matches()) {
      problems.add(
          at
              + "cpu: must be a number of vCPU like \"1\", \"2\" or \"0.583\", is \""
              + s.cpu()
              + "\"");
      return false;
    }
    BigDecimal cpu = new BigDecimal(s.cpu());
    boolean fractional = cpu.compareTo(BigDecimal.ONE) < 0;
    // Cloud Run: 0.08 to <1 in steps of 0.001, or exactly 1, 2, 4, 6 or 8 ("Configure CPU limits").
    if (cpu.compareTo(new BigDecimal("0.08")) < 0) {
      problems.add(at + "cpu: Cloud Run needs at least 0.08 vCPU, is " + s.cpu() + cpuFrom);
    } else if (!fractional && !Set.of(1, 2, 4, 6, 8).contains(intOrZero(cpu))) {
      problems.add(
          at + "cpu: above 1 Cloud Run takes only 2, 4, 6 or 8 vCPU, is " + s.cpu() + cpuFrom);
    }
    if (memoryMiB > 0) {
      BigDecimal needed = minimumCpu(memoryMiB);
      if (cpu.compareTo(needed) < 0) {
        problems.add(
            at
                + "cpu: "
                + memoryLabel(memoryMiB)
                + " memory needs at least "
                + needed.toPlainString()
                + " vCPU, is "
                + s.cpu()
                + cpuFrom);
      }
      long minMemory =
          cpu.compareTo(new BigDecimal(6)) >= 0
              ? 4096
              : cpu.compareTo(new BigDecimal(4)) >= 0 ? 2048 : 0;
      if (memoryMiB < minMemory) {
        problems.add(
            name
                + ".memory: "
                + s.cpu()
                + " vCPU needs at least "
                + memoryLabel(minMemory)
                + " memory, is "
                + memoryLabel(memoryMiB));
      }
    }
    if (s.concurrency() < 1 || s.concurrency() > 1000) {
      problems.add(at + "concurrency: Cloud Run allows 1-1000, is " + s.concurrency());
    } else if (fractional && s.concurrency() > 1) {
      problems.add(
          at
              + "concurrency: below 1 vCPU Cloud Run allows concurrency 1 only (cpu is "
              + s.cpu()
              + cpuFrom
              + ", concurrency "
              + s.concurrency()
              + ")");
    } else if (kind == Kind.JOB && s.concurrency() != 1) {
      // A job run takes the instance's whole CPU and memory budget; a second delivery belongs on
      // another instance, where the lease turns it into "skipped".
      problems.add(
          at
              + "concurrency: jobs run one delivery per instance (concurrency 1), is "
              + s.concurrency());
    }
    if (s.maxInstances() < 1 || s.maxInstances() > 1000) {
      problems.add(
          at + "maxInstances: must be 1-1000 (every function is bounded), is " + s.maxInstances());
    }
    if (s.minInstances() < 0 || s.minInstances() > s.maxInstances()) {
      problems.add(
          at
              + "minInstances: must be 0-maxInstances ("
              + s.maxInstances()
              + "), is "
              + s.minInstances());
    }
    String flags = s.javaToolOptions();
    if (flags.length() > 1000) {
      problems.add(at + "javaToolOptions: longer than 1000 characters");
    }
    for (String flag : flags.isBlank() ? List.<String>of() : List.of(flags.trim().split("\\s+"))) {
      if (!JVM_FLAG.matcher(flag).matches()) {
        problems.add(
            at
                + "javaToolOptions: \""
                + flag
                + "\" is not a plain JVM flag (no quotes, spaces or $)");
      } else if (HEAP_SIZE_FLAG.matcher(flag).matches()) {
        problems.add(
            at
                + "javaToolOptions: "
                + flag
                + " fixes the heap; use -XX:MaxRAMPercentage so it follows memory");
      }
    }
    return problems.size() == before;
  }

  /**
   * Cloud Run functions' minimum vCPU per memory size ("Configure memory limits": 2Gi 1, >4Gi 2,
   * >8Gi 4 …).
   */
  static BigDecimal minimumCpu(long memoryMiB) {
    String cpu;
    if (memoryMiB <= 128) {
      cpu = "0.083";
    } else if (memoryMiB <= 256) {
      cpu = "0.167";
    } else if (memoryMiB <= 512) {
      cpu = "0.333";
    } else if (memoryMiB <= 1024) {
      cpu = "0.583";
    } else if (memoryMiB <= 4096) {
      cpu = "1";
    } else if (memoryMiB <= 8192) {
      cpu = "2";
    } else if (memoryMiB <= 16384) {
      cpu = "4";
    } else if (memoryMiB <= 24576) {
      cpu = "6";
    } else {
      cpu = "8";
    }
    return new BigDecimal(cpu);
  }

  private static int intOrZero(BigDecimal value) {
    try {
      return value.intValueExact();
    } catch (ArithmeticException e) {
      return 0;
    }
  }

  static long mebibytes(String memory) {
    long n = Long.parseLong(memory.substring(0, memory.length() - 2));
    return memory.endsWith("Gi") ? n * 1024 : n;
  }

  private static String memoryLabel(long mebibytes) {
    return mebibytes % 1024 == 0 ? mebibytes / 1024 + "Gi" : mebibytes + "Mi";
  }

  static int seconds(String duration) {
    Matcher m = SECONDS.matcher(duration);
    if (!m.matches()) {
      throw new IllegalArgumentException("not a duration in seconds: " + duration);
    }
    return Integer.parseInt(m.group(1));
  }

  private static void checkTimeZone(String where, String zone, List<String> problems) {
    if (zone != null && !ZoneId.getAvailableZoneIds().contains(zone)) {
      problems.add(
          where + ": \"" + zone + "\" is not a tz database name (e.g. Etc/UTC, Europe/Berlin)");
    }
  }

  /**
   * Sizing fields as written in one place (kind defaults or an entry); null means "not given here".
   */
  private record PartialSizing(
      String cpu,
      Integer concurrency,
      Integer minInstances,
      Integer maxInstances,
      Boolean cpuBoost,
      String javaToolOptions) {
    static final PartialSizing EMPTY = new PartialSizing(null, null, null, null, null, null);

    static PartialSizing read(ObjectReader json) {
      return new PartialSizing(
          json.string("cpu", false),
          json.integer("concurrency"),
          json.integer("minInstances"),
          json.integer("maxInstances"),
          json.bool("cpuBoost"),
          json.string("javaToolOptions", false));
    }

    PartialSizing over(PartialSizing base) {
      return new PartialSizing(
          cpu != null ? cpu : base.cpu,
          concurrency != null ? concurrency : base.concurrency,
          minInstances != null ? minInstances : base.minInstances,
          maxInstances != null ? maxInstances : base.maxInstances,
          cpuBoost != null ? cpuBoost : base.cpuBoost,
          javaToolOptions != null ? javaToolOptions : base.javaToolOptions);
    }

    Sizing complete(String where, List<String> problems) {
      List<String> missing = new ArrayList<>();
      if (cpu == null) {
        missing.add("cpu");
      }
      if (concurrency == null) {
        missing.add("concurrency");
      }
      if (minInstances == null) {
        missing.add("minInstances");
      }
      if (maxInstances == null) {
        missing.add("maxInstances");
      }
      if (cpuBoost == null) {
        missing.add("cpuBoost");
      }
      if (javaToolOptions == null) {
        missing.add("javaToolOptions");
      }
      if (!missing.isEmpty()) {
        problems.add(where + ": missing " + String.join(", ", missing));
        return null;
      }
      return new Sizing(cpu, concurrency, minInstances, maxInstances, cpuBoost, javaToolOptions);
    }
  }

  private record PartialRetry(
      Integer maxRetryAttempts, String minBackoff, String maxBackoff, Integer maxDoublings) {
    static PartialRetry read(ObjectReader json) {
      PartialRetry r =
          new PartialRetry(
              json.integer("maxRetryAttempts"),
              json.string("minBackoff", false),
              json.string("maxBackoff", false),
              json.integer("maxDoublings"));
      json.done();
      return r;
    }

    /**
     * This over {@code base} (null: nothing to fall back on), checked against Cloud Scheduler's
     * limits.
     */
    Retry over(Retry base, String where, List<String> problems) {
      Integer attempts =
          maxRetryAttempts != null
              ? maxRetryAttempts
              : base == null ? null : base.maxRetryAttempts();
      String min = minBackoff != null ? minBackoff : base == null ? null : base.minBackoff();
      String max = maxBackoff != null ? maxBackoff : base == null ? null : base.maxBackoff();
      Integer doublings =
          maxDoublings != null ? maxDoublings : base == null ? null : base.maxDoublings();
      if (attempts == null || min == null || max == null || doublings == null) {
        problems.add(where + ": needs maxRetryAttempts, minBackoff, maxBackoff and maxDoublings");
        return null;
      }
      int before = problems.size();
      if (attempts < 0 || attempts > 5) {
        problems.add(where + ".maxRetryAttempts: Cloud Scheduler allows 0-5, is " + attempts);
      }
      if (doublings < 0) {
        problems.add(where + ".maxDoublings: must not be negative, is " + doublings);
      }
      boolean minOk = SECONDS.matcher(min).matches();
      boolean maxOk = SECONDS.matcher(max).matches();
      if (!minOk) {
        problems.add(where + ".minBackoff: must be seconds like \"10s\", is \"" + min + "\"");
      }
      if (!maxOk) {
        problems.add(where + ".maxBackoff: must be seconds like \"300s\", is \"" + max + "\"");
      }
      if (minOk && maxOk && seconds(min) > seconds(max)) {
        problems.add(where + ".maxBackoff: " + max + " is shorter than minBackoff " + min);
      }
      return problems.size() == before ? new Retry(attempts, min, max, doublings) : null;
    }
  }

  /**
   * Reads one object of the catalog field by field: wrong types and unknown keys become problems.
   */
  private static final class ObjectReader {
    final JsonObject json;
    final String path;
    final List<String> problems;
    final Set<String> read = new HashSet<>(Set.of("__comment"));

    private ObjectReader(JsonObject json, String path, List<String> problems) {
      this.json = json;
      this.path = path;
      this.problems = problems;
    }

    /**
     * {@code element} as an object, or null (a problem unless the element is absent and optional).
     */
    static ObjectReader of(JsonElement element, String path, List<String> problems) {
      if (element == null || !element.isJsonObject()) {
        problems.add(path + (element == null ? " is required" : " must be an object"));
        return null;
      }
      return new ObjectReader(element.getAsJsonObject(), path, problems);
    }

    private JsonElement get(String key, boolean required) {
      read.add(key);
      JsonElement value = json.get(key);
      if ((value == null || value.isJsonNull()) && required) {
        problems.add(path + "." + key + " is required");
      }
      return value == null || value.isJsonNull() ? null : value;
    }

    ObjectReader object(String key, boolean required) {
      JsonElement value = get(key, required);
      return value == null ? null : of(value, path + "." + key, problems);
    }

    String string(String key, boolean required) {
      JsonElement value = get(key, required);
      if (value == null) {
        return null;
      }
      if (!value.isJsonPrimitive() || !value.getAsJsonPrimitive().isString()) {
        problems.add(path + "." + key + " must be a string");
        return null;
      }
      return value.getAsString();
    }

    Integer integer(String key) {
      JsonElement value = get(key, false);
      if (value == null) {
        return null;
      }
      JsonPrimitive p = value.isJsonPrimitive() ? value.getAsJsonPrimitive() : null;
      if (p == null || !p.isNumber()) {
        problems.add(path + "." + key + " must be a whole number");
        return null;
      }
      try {
        return p.getAsBigDecimal().intValueExact();
      } catch (ArithmeticException e) {
        problems.add(path + "." + key + " must be a whole number");
        return null;
      }
    }

    Boolean bool(String key) {
      JsonElement value = get(key, false);
      if (value == null) {
        return null;
      }
      if (!value.isJsonPrimitive() || !value.getAsJsonPrimitive().isBoolean()) {
        problems.add(path + "." + key + " must be true or false");
        return null;
      }
      return value.getAsBoolean();
    }

    /**
     * Unknown keys are typos (e.g. {@code minInstance}) that would otherwise fall back to a default
     * silently.
     */
    void done() {
      for (String key : json.keySet()) {
        if (!read.contains(key)) {
          problems.add(path + "." + key + " is not a known field");
        }
      }
    }
  }

  private static <E extends Enum<E>> E parseEnum(
      Class<E> type, String value, String where, List<String> problems) {
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

  /** The sizing a function of {@code kind} gets when its entry overrides nothing. */
  public Sizing defaultSizing(Kind kind) {
    return defaultSizing.get(kind);
  }

  /** The scheduled functions with their Cloud Scheduler settings, in catalog order. */
  public List<Entry> jobs() {
    return byName.values().stream().filter(Entry::isJob).toList();
  }
}
