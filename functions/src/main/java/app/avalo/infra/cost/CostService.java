package app.avalo.infra.cost;

import app.avalo.infra.platform.Fields;
import app.avalo.infra.platform.WireEnum;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * What a cost is spent on. Each service has a monthly budget (seeded from SPEC §5.4, editable in
 * {@code costBudgets}); {@link #CDN} is tracked but has no budget unless an admin adds one. Wire
 * names are lower-case with hyphens ({@code cloud-functions}).
 */
public enum CostService implements WireEnum {
  AI,
  VIDEO,
  WEBRTC,
  CDN,
  PUSH,
  CLOUD_FUNCTIONS,
  FIRESTORE,
  STORAGE;

  /** The services {@code trackBandwidthCost} prices per GiB. */
  public static final List<CostService> BANDWIDTH = List.of(VIDEO, WEBRTC, CDN);

  @Override
  public String wire() {
    return Fields.wireName(this);
  }

  /** A form safe inside a Firestore field name ({@code costMicros_cloud_functions}). */
  String fieldSuffix() {
    return name().toLowerCase(Locale.ROOT);
  }

  public boolean isBandwidth() {
    return BANDWIDTH.contains(this);
  }

  public static Optional<CostService> fromWire(String wire) {
    return WireEnum.parse(CostService.class, wire);
  }
}
