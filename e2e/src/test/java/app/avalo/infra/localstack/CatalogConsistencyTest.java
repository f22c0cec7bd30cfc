package app.avalo.infra.localstack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import app.avalo.infra.platform.Access;
import app.avalo.infra.platform.ApiFunction;
import app.avalo.infra.platform.Catalog;
import app.avalo.infra.platform.CatalogFiles;
import app.avalo.infra.platform.ScheduledJob;
import java.io.Reader;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * The catalog is the single source of truth; this keeps everything else honest against it: the
 * classes, the generated scheduler.yaml, and the function list of SPEC §5.
 */
class CatalogConsistencyTest {
  /**
   * Every function SPEC §5 names. A catalogued function outside this list is a typo or an
   * invention.
   */
  static final Set<String> SPEC_FUNCTIONS =
      new TreeSet<>(
          List.of(
              // 5.1 routing
              "initializeRegions",
              "runHealthChecks",
              "getRouting",
              "forceFailover",
              "getRegionStatuses",
              // §8 production edges
              "regionHealth",
              // 5.2 scaling
              "updateMetrics",
              "evaluateAllServices",
              "detectViralTraffic",
              "enableBurstProtection",
              "disableBurstProtection",
              "getScalingStatus",
              "getScalingHistory",
              "manualScale",
              // 5.3 cdn
              "uploadImage",
              "uploadVideo",
              "getProgressiveImage",
              "optimizeVoice",
              "cacheAiAvatar",
              "getCdnStats",
              "updateCdnMetrics",
              "purgeCache",
              "purgeAllCache",
              "monitorBandwidth",
              // §8 production edges (issue 14): takedown and erasure
              "takedownAsset",
              "eraseUserMedia",
              // §8 private worker for transcoding (issue 14 step 5): the Cloud Tasks target of
              // uploadVideo
              "transcodeVideo",
              // 5.4 cost
              "trackAiCost",
              "trackBandwidthCost",
              "checkThrottle",
              "disableThrottling",
              "getCostMetrics",
              "generateMonthlyReport",
              "getBudgetStatus",
              "detectFraudAbuse",
              // §8 production edges (issue 17): the billing-import job and the budget
              // notifications' Pub/Sub push target
              "importBillingExport",
              "receiveBudgetNotification",
              // §8: server-side enforcement for the backends that spend
              "acquireQuota",
              // 5.5 recovery
              "createHourlyBackup",
              "createDailyBackup",
              "createColdStorageBackup",
              "recoverWallet",
              "recoverChat",
              "recoverSupportTicket",
              "recoverAiSession",
              "initiateRegionFailover",
              "monitorBackupHealth",
              // 5.6 monitoring
              "trackChatDelivery",
              "trackWalletTransaction",
              "trackEventCheckout",
              "trackAiResponse",
              "trackVideoCallQuality",
              "trackPanicButton",
              "runHealthCheck",
              "getSystemHealth",
              "getMetricsHistory",
              "getActiveAlerts",
              "resolveAlert",
              "getDashboardData",
              "cleanupOldMetrics",
              // §8 production edges (issue 16): the notifier job delivering the alert outbox,
              // acknowledge, silences and the routing tree
              "notifyAlerts",
              "acknowledgeAlert",
              "createSilence",
              "getAlertRouting",
              "updateAlertRouting",
              "expireSilence",
              // issue 16 step 5: the per-minute buckets exported to Cloud Monitoring
              "exportMetrics"));

  private final Catalog catalog = Catalog.bundled();

  @Test
  void catalogListsExactlyTheSpecFunctions() {
    Set<String> names =
        catalog.entries().stream()
            .map(Catalog.Entry::name)
            .collect(Collectors.toCollection(TreeSet::new));
    Set<String> invented = new TreeSet<>(names);
    invented.removeAll(SPEC_FUNCTIONS);
    assertEquals(Set.of(), invented, "catalogued functions that SPEC §5 does not name");
    Set<String> missing = new TreeSet<>(SPEC_FUNCTIONS);
    missing.removeAll(names);
    assertEquals(Set.of(), missing, "SPEC §5 functions not in the catalog");
  }

  @Test
  void everyEntryPointIsAFunctionTheFrameworkCanBuild() throws Exception {
    List<String> problems = new ArrayList<>();
    for (Catalog.Entry e : catalog.entries()) {
      Class<?> type = Class.forName(e.entryPoint());
      String simple = e.name().substring(0, 1).toUpperCase(Locale.ROOT) + e.name().substring(1);
      if (!type.getSimpleName().equals(simple)) {
        problems.add(
            e.name() + ": class should be named " + simple + ", is " + type.getSimpleName());
      }
      if (!ApiFunction.class.isAssignableFrom(type)) {
        problems.add(e.name() + ": does not extend ApiFunction");
      }
      if (e.isJob() != ScheduledJob.class.isAssignableFrom(type)) {
        problems.add(
            e.name()
                + ": kind "
                + e.kind()
                + " but "
                + (e.isJob() ? "not a" : "a")
                + " ScheduledJob");
      }
      if (!Modifier.isPublic(type.getModifiers())
          || !Modifier.isPublic(type.getDeclaredConstructor().getModifiers())) {
        problems.add(e.name() + ": needs to be public with a public no-arg constructor");
      }
      type.getDeclaredConstructor().newInstance(); // must not touch configuration or the network
    }
    assertEquals(List.of(), problems);
  }

  @Test
  void adminActionsAreAudited() {
    List<String> unaudited =
        catalog.entries().stream()
            .filter(e -> e.access() == Access.ADMIN && !e.name().startsWith("get") && !e.audited())
            .map(Catalog.Entry::name)
            .toList();
    assertEquals(List.of(), unaudited, "admin functions that change things must be audited");
  }

  @Test
  void everyJobsScheduleIsUnixCronAsCloudSchedulerReadsIt() {
    for (Catalog.Entry job : catalog.jobs()) {
      LocalScheduler.validate(job.scheduler().schedule());
    }
    assertFalse(catalog.jobs().isEmpty());
  }

  /**
   * scheduler.yaml is generated from the catalog (CatalogFilesTest compares the bytes); this reads
   * it as YAML, as a person or tool would, and checks it says what the catalog says, both ways.
   */
  @Test
  @SuppressWarnings("unchecked")
  void schedulerYamlMatchesTheCatalogBothWays() throws Exception {
    Map<String, Object> root;
    try (Reader reader = Files.newBufferedReader(LocalStack.repoRoot().resolve("scheduler.yaml"))) {
      root = new Yaml(new SafeConstructor(new LoaderOptions())).load(reader);
    }
    Map<String, Map<String, Object>> fromCatalog = new TreeMap<>();
    for (Catalog.Entry e : catalog.jobs()) {
      Catalog.SchedulerSettings s = e.scheduler();
      Catalog.Retry r = s.retry();
      fromCatalog.put(
          e.name(),
          Map.of(
              "function",
              e.name(),
              "schedule",
              s.schedule(),
              "timeZone",
              s.timeZone(),
              "attemptDeadline",
              s.attemptDeadline(),
              "retry",
              Map.of(
                  "maxRetryAttempts",
                  r.maxRetryAttempts(),
                  "minBackoff",
                  r.minBackoff(),
                  "maxBackoff",
                  r.maxBackoff(),
                  "maxDoublings",
                  r.maxDoublings())));
    }
    Map<String, Map<String, Object>> fromYaml = new TreeMap<>();
    for (Map<String, Object> job : (List<Map<String, Object>>) root.get("jobs")) {
      String function = (String) job.get("function");
      assertFalse(fromYaml.containsKey(function), "scheduler.yaml lists " + function + " twice");
      fromYaml.put(function, job);
    }
    assertEquals(
        fromCatalog,
        fromYaml,
        "scheduler.yaml differs from catalog.json; regenerate with " + CatalogFiles.REGENERATE);
  }
}
