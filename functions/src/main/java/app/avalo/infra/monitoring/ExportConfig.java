package app.avalo.infra.monitoring;

import app.avalo.infra.platform.AppConfig;
import app.avalo.infra.platform.ConfigReader;
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * {@code exportMetrics}' settings, read once from the environment (docs/alerting.md, "Cloud
 * Monitoring export").
 *
 * <ul>
 *   <li>{@code MONITORING_EXPORT_SINK} — {@code cloud-monitoring} or {@code off}. The default is
 *       {@code cloud-monitoring} on Cloud Functions and {@code off} everywhere else (the dev
 *       server, tests, the demo), like the scaling actuator's dry run. A {@code demo-} project
 *       (Firebase's emulator-only project ids) never reaches Google: asking for {@code
 *       cloud-monitoring} there without an endpoint is a configuration error.
 *   <li>{@code MONITORING_EXPORT_ENDPOINT} — {@code host:port} of a Monitoring API stand-in on a
 *       loopback address, spoken to in plaintext without credentials (the loopback fake); unset in
 *       production, where the client goes to {@code monitoring.googleapis.com:443}.
 *   <li>{@code MONITORING_EXPORT_PROJECT} — the project the metrics are written to (default the
 *       functions' project).
 *   <li>{@code MONITORING_EXPORT_MAX_MINUTES} — minutes exported per run at most (default 30):
 *       after downtime the backlog is worked off oldest first at this pace, one call per minute.
 * </ul>
 */
record ExportConfig(Mode mode, String endpoint, String project, int maxMinutesPerRun) {
  static final String DEMO_PREFIX = "demo-";

  enum Mode {
    OFF,
    CLOUD_MONITORING
  }

  static ExportConfig read(ConfigReader reader, AppConfig platform) {
    String project = reader.optional("MONITORING_EXPORT_PROJECT", platform.projectId());
    boolean demo = project.startsWith(DEMO_PREFIX);
    Mode mode =
        reader.enumValue(
            "MONITORING_EXPORT_SINK",
            Mode.class,
            platform.onCloudFunctions() && !demo ? Mode.CLOUD_MONITORING : Mode.OFF);
    String endpoint = reader.raw("MONITORING_EXPORT_ENDPOINT");
    if (endpoint != null && !isLoopback(endpoint)) {
      reader.problem(
          "MONITORING_EXPORT_ENDPOINT must be host:port on a loopback address (a local stand-in of"
              + " the Monitoring API, spoken to in plaintext); got '"
              + endpoint
              + "'");
    }
    if (mode == Mode.CLOUD_MONITORING && demo && endpoint == null) {
      reader.problem(
          "MONITORING_EXPORT_SINK=cloud-monitoring with the demo project '"
              + project
              + "' would write to Google; set MONITORING_EXPORT_ENDPOINT to a local stand-in or"
              + " MONITORING_EXPORT_SINK=off");
    }
    int maxMinutes = reader.intValue("MONITORING_EXPORT_MAX_MINUTES", 30, 1, 240);
    return new ExportConfig(mode, endpoint, project, maxMinutes);
  }

  private static boolean isLoopback(String hostPort) {
    int colon = hostPort.lastIndexOf(':');
    if (colon <= 0 || !hostPort.substring(colon + 1).matches("\\d{1,5}")) {
      return false;
    }
    String host = hostPort.substring(0, colon).replace("[", "").replace("]", "");
    if (!host.equals("localhost") && !host.matches("[0-9.:a-fA-F]+")) {
      return false; // a name would need a lookup; only literal addresses and localhost
    }
    try {
      return InetAddress.getByName(host).isLoopbackAddress();
    } catch (UnknownHostException e) {
      return false;
    }
  }
}
