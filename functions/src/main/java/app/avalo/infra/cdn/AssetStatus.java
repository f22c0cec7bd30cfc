package app.avalo.infra.cdn;

import app.avalo.infra.platform.WireEnum;
import java.util.Locale;

/** Where an asset is in its life; stored and answered under its wire name. */
enum AssetStatus implements WireEnum {
  PROCESSING,
  READY,
  FAILED,
  /**
   * Removed by takedownAsset or eraseUserMedia: objects deleted, record kept for the audit trail.
   */
  TAKEN_DOWN;

  @Override
  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }
}
