package app.avalo.infra.cdn;

import app.avalo.infra.platform.WireEnum;
import java.time.Instant;
import java.util.List;

/**
 * One purge as {@code cdnPurges/{id}} records it: what was asked, by whom, and what the CDN adapter
 * answered. {@code assetId}, {@code urls} and {@code prefixes} are set for an asset purge, {@code
 * reason} for a full one.
 */
record Purge(
    String id,
    Kind kind,
    String adapter,
    List<String> operations,
    String requestedBy,
    Instant at,
    String assetId,
    Integer urls,
    List<String> prefixes,
    String reason) {

  enum Kind implements WireEnum {
    ASSET,
    ALL;

    @Override
    public String wire() {
      return this == ASSET ? "asset" : "all";
    }
  }
}
