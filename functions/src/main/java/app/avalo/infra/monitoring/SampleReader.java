package app.avalo.infra.monitoring;

import app.avalo.infra.platform.ApiException;
import app.avalo.infra.platform.Fields;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the body of a track function: one sample ({@code {"latencyMs": 120, "success": true}}) or a
 * batch ({@code {"samples": [ … ]}}, at most {@value #MAX_BATCH}). Each sample has the service's
 * value field, an optional {@code success} (required for the wallet) and an optional {@code at}
 * (default: now) that must lie within the accepted age, so minutes become final and can be sealed.
 * An optional {@code region} (a routing region id: which region served it) may be given per call
 * (beside {@code samples}) or per sample, the sample's winning. Any bad sample refuses the whole
 * request, naming the field ({@code samples[3].latencyMs}).
 */
public final class SampleReader {
  public static final int MAX_BATCH = 500;

  /** How far a backend's clock may run ahead of ours. */
  static final Duration MAX_CLOCK_SKEW = Duration.ofSeconds(60);

  private final Duration maxAge;
  private final List<String> regions;

  /** {@code regions}: the region ids a sample may name (routing's). */
  public SampleReader(Duration maxAge, List<String> regions) {
    this.maxAge = maxAge;
    this.regions = List.copyOf(regions);
  }

  public List<Sample> read(Fields data, MonitoredService service, Instant now) {
    List<Sample> samples = new ArrayList<>();
    if (data.has("samples")) {
      List<Fields> items = data.objects("samples", MAX_BATCH);
      String region = data.optionalOneOf("region", regions).orElse(null);
      data.done();
      for (Fields item : items) {
        samples.add(one(item, service, now, region));
      }
    } else {
      samples.add(one(data, service, now, null));
    }
    return samples;
  }

  private Sample one(Fields fields, MonitoredService service, Instant now, String callRegion) {
    Measure measure = service.measure();
    double value = fields.doubleValue(measure.sampleField(), 0, measure.max());
    boolean success =
        service.successRequired()
            ? fields.bool("success")
            : fields.optionalBool("success").orElse(true);
    Instant at = fields.optionalInstant("at").orElse(now);
    String region = fields.optionalOneOf("region", regions).orElse(callRegion);
    fields.done();
    if (at.isBefore(now.minus(maxAge))) {
      throw ApiException.invalidArgument(
          fields.path("at"),
          "is older than "
              + maxAge.toSeconds()
              + " s; report samples promptly (older minutes are already final)");
    }
    if (at.isAfter(now.plus(MAX_CLOCK_SKEW))) {
      throw ApiException.invalidArgument(
          fields.path("at"), "is more than " + MAX_CLOCK_SKEW.toSeconds() + " s in the future");
    }
    return new Sample(at, value, success, region);
  }
}
