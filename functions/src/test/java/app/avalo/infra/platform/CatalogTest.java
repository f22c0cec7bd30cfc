package app.avalo.infra.platform;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class CatalogTest {
  private static final String DEFAULTS = TestFunctions.DEFAULTS;

  /** A catalog with the test defaults and {@code functions} (JSON objects, comma-separated). */
  private static Catalog catalog(String functions) {
    return Catalog.parse(
        new StringReader(
            "{\"region\": \"europe-west10\", "
                + DEFAULTS
                + ", \"functions\": ["
                + functions
                + "]}"));
  }

  private static String callable(String name, String memory, String extra) {
    return "{\"name\": \""
        + name
        + "\", \"entryPoint\": \"app.avalo.infra.X"
        + name
        + "\", \"kind\": \"callable\","
        + " \"access\": \"user\", \"memory\": \""
        + memory
        + "\", \"timeoutSeconds\": 60, \"description\": \"d\""
        + extra
        + "}";
  }

  private static String job(String name, int timeoutSeconds, String extra) {
    return "{\"name\": \""
        + name
        + "\", \"entryPoint\": \"app.avalo.infra.X"
        + name
        + "\", \"kind\": \"job\","
        + " \"access\": \"private\", \"memory\": \"512Mi\", \"timeoutSeconds\": "
        + timeoutSeconds
        + ","
        + " \"schedule\": \"*/5 * * * *\", \"description\": \"d\""
        + extra
        + "}";
  }

  private static String problems(String functions) {
    return assertThrows(IllegalStateException.class, () -> catalog(functions)).getMessage();
  }

  @Test
  void everyProblemIsReportedAtOnce() {
    String bad =
        """
        {"region": "europe-west10", %s, "functions": [
          {"name": "Bad-Name", "entryPoint": "x", "kind": "callable", "access": "user", "memory": "512Mi", "timeoutSeconds": 10, "description": "d"},
          {"name": "aJob", "entryPoint": "app.avalo.infra.X", "kind": "job", "access": "admin", "memory": "3Ti", "timeoutSeconds": 0, "description": "d"},
          {"name": "aJob", "entryPoint": "app.avalo.infra.Y", "kind": "callable", "access": "root", "memory": "512Mi", "timeoutSeconds": 10, "schedule": "* * * * *"},
          {"name": "sized", "entryPoint": "app.avalo.infra.Z", "kind": "callable", "access": "user", "memory": "16Gi", "timeoutSeconds": 10, "description": "d", "sizing": {"cpu": "2", "concurrency": 2000}}
        ]}\
        """
            .formatted(DEFAULTS);
    IllegalStateException e =
        assertThrows(IllegalStateException.class, () -> Catalog.parse(new StringReader(bad)));
    String m = e.getMessage();
    for (String expected :
        new String[] {
          "Bad-Name: name must be camelCase",
          "aJob: a job needs a schedule",
          "memory must look like",
          "timeoutSeconds must be 1-3600",
          "jobs are private",
          "listed twice",
          "access is missing or unknown: root",
          "only jobs have a schedule",
          "description is required",
          "sized.sizing.cpu: 16Gi memory needs at least 4 vCPU, is 2",
          "sized.sizing.concurrency: Cloud Run allows 1-1000"
        }) {
      assertTrue(m.contains(expected), "missing '" + expected + "' in:\n" + m);
    }
  }

  @Test
  void aCatalogWithoutDefaultsIsRefused() {
    String m =
        assertThrows(
                IllegalStateException.class,
                () ->
                    Catalog.parse(
                        new StringReader(
                            "{\"region\": \"europe-west10\", \"functions\": ["
                                + callable("fn", "512Mi", "")
                                + "]}")))
            .getMessage();
    assertTrue(m.contains("defaults is required"), m);
  }

  @Test
  void entriesAreFoundByNameAndClass() {
    Catalog c = TestFunctions.CATALOG;
    assertEquals(Access.ADMIN, c.byName("adminAction").orElseThrow().access());
    assertTrue(c.byName("adminAction").orElseThrow().audited());
    assertEquals("countingJob", c.forClass(TestFunctions.CountingJob.class).orElseThrow().name());
    assertTrue(c.byName("backendCall").map(e -> !e.usesCallableProtocol()).orElseThrow());
    assertEquals(List.of("countingJob"), c.jobs().stream().map(Catalog.Entry::name).toList());
  }

  @Test
  void anEntryTakesItsKindsDefaultsAndOverridesSingleFields() {
    Catalog c =
        catalog(
            callable("plain", "512Mi", "")
                + ","
                + callable(
                    "warm", "512Mi", ", \"sizing\": {\"minInstances\": 2, \"concurrency\": 80}")
                + ","
                + job("tick", 60, ", \"scheduler\": {\"attemptDeadline\": \"90s\"}"));
    assertEquals(
        new Catalog.Sizing("1", 40, 0, 5, true, "-XX:+UseSerialGC"),
        c.byName("plain").orElseThrow().sizing());
    assertEquals(
        new Catalog.Sizing("1", 80, 2, 5, true, "-XX:+UseSerialGC"),
        c.byName("warm").orElseThrow().sizing());
    assertEquals(
        new Catalog.Sizing("1", 1, 0, 2, false, ""), c.byName("tick").orElseThrow().sizing());
    assertEquals(c.defaultSizing(Catalog.Kind.CALLABLE), c.byName("plain").orElseThrow().sizing());
    assertNull(c.byName("plain").orElseThrow().scheduler());
    assertTrue(c.byName("plain").orElseThrow().schedulerSettings().isEmpty());
  }

  @Test
  void aJobsSchedulerSettingsAreTheDefaultsWithItsOverrides() {
    Catalog c =
        catalog(
            job("tick", 60, ", \"scheduler\": {\"attemptDeadline\": \"90s\"}")
                + ","
                + job(
                    "nightly",
                    300,
                    ", \"scheduler\": {\"attemptDeadline\": \"330s\", \"timeZone\":"
                        + " \"Europe/Berlin\", \"retry\": {\"maxRetryAttempts\": 5, \"maxBackoff\":"
                        + " \"600s\"}}"));
    assertEquals(
        new Catalog.SchedulerSettings(
            "*/5 * * * *", "Etc/UTC", "90s", new Catalog.Retry(3, "10s", "300s", 3)),
        c.byName("tick").orElseThrow().scheduler());
    Catalog.SchedulerSettings nightly = c.byName("nightly").orElseThrow().scheduler();
    assertEquals(
        new Catalog.SchedulerSettings(
            "*/5 * * * *", "Europe/Berlin", "330s", new Catalog.Retry(5, "10s", "600s", 3)),
        nightly);
    assertEquals(330, nightly.attemptDeadlineSeconds());
  }

  /**
   * Sizing Cloud Run (and this project) would refuse: the message names the function, the field and
   * the rule.
   */
  static Stream<Arguments> refusedSizing() {
    return Stream.of(
        Arguments.of(
            callable("uploadVideo", "16Gi", ", \"sizing\": {\"cpu\": \"2\", \"concurrency\": 1}"),
            "uploadVideo.sizing.cpu: 16Gi memory needs at least 4 vCPU, is 2"),
        Arguments.of(
            callable("bigMemory", "8Gi", ""),
            "bigMemory.sizing.cpu: 8Gi memory needs at least 2 vCPU, is 1 (the callable default)"),
        Arguments.of(
            callable("twoGig", "2Gi", ", \"sizing\": {\"cpu\": \"0.583\", \"concurrency\": 1}"),
            "twoGig.sizing.cpu: 2Gi memory needs at least 1 vCPU, is 0.583"),
        Arguments.of(
            callable("oneGig", "1Gi", ", \"sizing\": {\"cpu\": \"0.5\", \"concurrency\": 1}"),
            "oneGig.sizing.cpu: 1Gi memory needs at least 0.583 vCPU, is 0.5"),
        Arguments.of(
            callable("fraction", "512Mi", ", \"sizing\": {\"cpu\": \"0.5\"}"),
            "fraction.sizing.concurrency: below 1 vCPU Cloud Run allows concurrency 1 only"),
        Arguments.of(
            callable("threeCpu", "4Gi", ", \"sizing\": {\"cpu\": \"3\"}"),
            "threeCpu.sizing.cpu: above 1 Cloud Run takes only 2, 4, 6 or 8 vCPU, is 3"),
        Arguments.of(
            callable("oneAndHalf", "2Gi", ", \"sizing\": {\"cpu\": \"1.5\"}"),
            "oneAndHalf.sizing.cpu: above 1 Cloud Run takes only 2, 4, 6 or 8 vCPU, is 1.5"),
        Arguments.of(
            callable("tiny", "128Mi", ", \"sizing\": {\"cpu\": \"0.05\", \"concurrency\": 1}"),
            "tiny.sizing.cpu: Cloud Run needs at least 0.08 vCPU, is 0.05"),
        Arguments.of(
            callable("fourCpu", "1Gi", ", \"sizing\": {\"cpu\": \"4\"}"),
            "fourCpu.memory: 4 vCPU needs at least 2Gi memory, is 1Gi"),
        Arguments.of(
            callable("eightCpu", "2Gi", ", \"sizing\": {\"cpu\": \"8\"}"),
            "eightCpu.memory: 8 vCPU needs at least 4Gi memory, is 2Gi"),
        Arguments.of(
            callable("huge", "64Gi", ", \"sizing\": {\"cpu\": \"8\"}"),
            "huge.memory: Cloud Run allows at most 32Gi"),
        Arguments.of(
            callable("numericCpu", "512Mi", ", \"sizing\": {\"cpu\": 1}"),
            "numericCpu.sizing.cpu must be a string"),
        Arguments.of(
            callable("wordCpu", "512Mi", ", \"sizing\": {\"cpu\": \"one\"}"),
            "wordCpu.sizing.cpu: must be a number of vCPU like \"1\""),
        Arguments.of(
            callable("crowded", "512Mi", ", \"sizing\": {\"concurrency\": 1001}"),
            "crowded.sizing.concurrency: Cloud Run allows 1-1000, is 1001"),
        Arguments.of(
            callable("unbounded", "512Mi", ", \"sizing\": {\"maxInstances\": 0}"),
            "unbounded.sizing.maxInstances: must be 1-1000"),
        Arguments.of(
            callable("inverted", "512Mi", ", \"sizing\": {\"minInstances\": 30}"),
            "inverted.sizing.minInstances: must be 0-maxInstances (5), is 30"),
        Arguments.of(
            callable("typo", "512Mi", ", \"sizing\": {\"minInstance\": 1}"),
            "typo.sizing.minInstance is not a known field"),
        Arguments.of(
            callable("boolish", "512Mi", ", \"sizing\": {\"cpuBoost\": \"yes\"}"),
            "boolish.sizing.cpuBoost must be true or false"),
        Arguments.of(
            callable("halfInstance", "512Mi", ", \"sizing\": {\"maxInstances\": 2.5}"),
            "halfInstance.sizing.maxInstances must be a whole number"),
        Arguments.of(
            callable(
                "fixedHeap",
                "512Mi",
                ", \"sizing\": {\"javaToolOptions\": \"-XX:+UseSerialGC -Xmx300m\"}"),
            "fixedHeap.sizing.javaToolOptions: -Xmx300m fixes the heap; use -XX:MaxRAMPercentage"),
        Arguments.of(
            callable("quoted", "512Mi", ", \"sizing\": {\"javaToolOptions\": \"-Dx='a b'\"}"),
            "quoted.sizing.javaToolOptions: \"-Dx='a\" is not a plain JVM flag"),
        Arguments.of(
            callable("notAFlag", "512Mi", ", \"sizing\": {\"javaToolOptions\": \"UseSerialGC\"}"),
            "notAFlag.sizing.javaToolOptions: \"UseSerialGC\" is not a plain JVM flag"),
        Arguments.of(
            callable("sizingString", "512Mi", ", \"sizing\": \"big\""),
            "sizingString.sizing must be an object"),
        Arguments.of(
            job(
                "busyJob",
                60,
                ", \"scheduler\": {\"attemptDeadline\": \"90s\"}, \"sizing\": {\"concurrency\":"
                    + " 4}"),
            "busyJob.sizing.concurrency: jobs run one delivery per instance (concurrency 1), is"
                + " 4"));
  }

  @Test
  void sizingAtCloudRunsLimitsIsAccepted() {
    Catalog c =
        catalog(
            String.join(
                ",",
                callable(
                    "fractional",
                    "512Mi",
                    ", \"sizing\": {\"cpu\": \"0.333\", \"concurrency\": 1}"),
                callable(
                    "minimal", "128Mi", ", \"sizing\": {\"cpu\": \"0.083\", \"concurrency\": 1}"),
                callable("fourGig", "4Gi", ", \"sizing\": {\"concurrency\": 1000}"),
                callable(
                    "eightGig",
                    "8Gi",
                    ", \"sizing\": {\"cpu\": \"2\", \"maxInstances\": 1000, \"minInstances\":"
                        + " 1000}"),
                callable("fourCpu", "2Gi", ", \"sizing\": {\"cpu\": \"4\"}"),
                callable(
                    "maxed", "32Gi", ", \"sizing\": {\"cpu\": \"8\", \"javaToolOptions\": \"\"}")));
    assertEquals(0.333, c.byName("fractional").orElseThrow().sizing().vcpu());
    assertEquals(6, c.entries().size());
  }

  static Stream<Arguments> refusedScheduler() {
    return Stream.of(
        Arguments.of(
            job("noDeadline", 60, ""),
            "noDeadline.scheduler.attemptDeadline is required (no default in defaults.scheduler)"),
        Arguments.of(
            job("minutes", 60, ", \"scheduler\": {\"attemptDeadline\": \"2m\"}"),
            "minutes.scheduler.attemptDeadline: must be seconds like \"80s\", is \"2m\""),
        Arguments.of(
            job("tooShort", 10, ", \"scheduler\": {\"attemptDeadline\": \"10s\"}"),
            "tooShort.scheduler.attemptDeadline: Cloud Scheduler allows 15s-1800s for HTTP targets,"
                + " is 10s"),
        Arguments.of(
            job("tooLong", 60, ", \"scheduler\": {\"attemptDeadline\": \"1900s\"}"),
            "tooLong.scheduler.attemptDeadline: Cloud Scheduler allows 15s-1800s"),
        Arguments.of(
            job("cutShort", 300, ", \"scheduler\": {\"attemptDeadline\": \"120s\"}"),
            "cutShort.scheduler.attemptDeadline: 120s is shorter than timeoutSeconds 300"),
        Arguments.of(
            job(
                "retryMuch",
                60,
                ", \"scheduler\": {\"attemptDeadline\": \"90s\", \"retry\": {\"maxRetryAttempts\":"
                    + " 6}}"),
            "retryMuch.scheduler.retry.maxRetryAttempts: Cloud Scheduler allows 0-5, is 6"),
        Arguments.of(
            job(
                "backwards",
                60,
                ", \"scheduler\": {\"attemptDeadline\": \"90s\", \"retry\": {\"minBackoff\":"
                    + " \"600s\"}}"),
            "backwards.scheduler.retry.maxBackoff: 300s is shorter than minBackoff 600s"),
        Arguments.of(
            job(
                "mars",
                60,
                ", \"scheduler\": {\"attemptDeadline\": \"90s\", \"timeZone\": \"Mars/Olympus\"}"),
            "mars.scheduler.timeZone: \"Mars/Olympus\" is not a tz database name"),
        Arguments.of(
            job("typo", 60, ", \"scheduler\": {\"attemptDeadline\": \"90s\", \"retries\": {}}"),
            "typo.scheduler.retries is not a known field"),
        Arguments.of(
            callable("notAJob", "512Mi", ", \"scheduler\": {\"attemptDeadline\": \"90s\"}"),
            "notAJob.scheduler: only jobs have scheduler settings"));
  }

  /**
   * Sizing and scheduler settings the cloud would refuse: the message names function, field and
   * rule.
   */
  @ParameterizedTest
  @MethodSource({"refusedSizing", "refusedScheduler"})
  void settingsOutsideCloudRunsAndCloudSchedulersLimitsAreRefused(
      String function, String expected) {
    String m = problems(function);
    assertTrue(m.contains(expected), "missing '" + expected + "' in:\n" + m);
  }

  @Test
  void bundledCatalogLoads() {
    Catalog bundled = Catalog.bundled();
    assertEquals("europe-west10", bundled.defaultRegion());
    assertFalse(bundled.jobs().isEmpty());
    bundled.jobs().forEach(j -> assertTrue(j.schedulerSettings().isPresent(), j.name()));
  }

  /**
   * SPEC/issue 13 sizing rules for this project's catalog, beyond what Cloud Run itself enforces.
   */
  @Test
  void bundledCatalogSizesEachPathForItsLoad() {
    Catalog bundled = Catalog.bundled();
    List<String> problems = new ArrayList<>();
    for (String name : List.of("getRouting", "checkThrottle", "getRegionStatuses")) {
      Catalog.Sizing s = bundled.byName(name).orElseThrow().sizing();
      if (s.vcpu() < 1 || s.concurrency() < 40 || s.minInstances() < 1 || !s.cpuBoost()) {
        problems.add(
            name
                + " is latency-critical (>= 1 vCPU, concurrency >= 40, min instances >= 1, boost): "
                + s);
      }
    }
    Map<String, Integer> mediaMax =
        Map.of("uploadImage", 50, "uploadVideo", 20, "optimizeVoice", 50, "cacheAiAvatar", 20);
    mediaMax.forEach(
        (name, bound) -> {
          Catalog.Sizing s = bundled.byName(name).orElseThrow().sizing();
          if (s.maxInstances() > bound) {
            problems.add(
                name
                    + " is media processing: maxInstances must stay <= "
                    + bound
                    + ", is "
                    + s.maxInstances());
          }
        });
    for (Catalog.Entry e : bundled.entries()) {
      if (e.isJob() && e.sizing().concurrency() != 1) {
        problems.add(e.name() + " is a job: concurrency 1");
      }
    }
    assertAll(() -> assertEquals(List.of(), problems));
  }
}
