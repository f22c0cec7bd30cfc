package app.avalo.infra.cdn;

import app.avalo.infra.platform.Alerts;
import java.util.Locale;

/**
 * Every monitoring alert the CDN domain raises ({@code systemAlerts}, source {@code cdn}): the
 * egress spike of one hour, key {@code bandwidth-spike:{scope}} where scope is {@code total} or an
 * asset type — critical at twice the spike threshold, a warning below; a normal hour resolves it.
 */
final class CdnAlerts {
  static final String SOURCE = "cdn";

  private final Alerts alerts;

  CdnAlerts(Alerts alerts) {
    this.alerts = alerts;
  }

  static String spikeKey(String scope) {
    return "bandwidth-spike:" + scope;
  }

  void spike(BandwidthHour.Spike spike, boolean critical) {
    long median = spike.baselineMedianBytes();
    alerts.raise(
        SOURCE,
        spikeKey(spike.scope()),
        critical ? Alerts.Severity.CRITICAL : Alerts.Severity.WARNING,
        "CDN egress spike ("
            + spike.scope()
            + "): "
            + spike.bytes()
            + " bytes in the hour from "
            + spike.hourStart()
            + ", "
            + (median == 0
                ? "no"
                : String.format(Locale.ROOT, "%.1f×", spike.bytes() / (double) median))
            + " the 24 h median of "
            + median
            + " bytes",
        TrafficCodec.spike(spike).map());
  }

  void normal(String scope, long thresholdBytes) {
    alerts.resolve(
        SOURCE,
        spikeKey(scope),
        "monitorBandwidth",
        "egress back under " + thresholdBytes + " bytes/hour");
  }
}
