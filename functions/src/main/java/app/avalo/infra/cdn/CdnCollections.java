package app.avalo.infra.cdn;

/**
 * Every Firestore collection of the CDN domain, named once. Fields are described in docs/cdn.md.
 */
public final class CdnCollections {
  /** {@code cdnAssets/{assetId}}: one processed upload and all its variants. */
  public static final String ASSETS = "cdnAssets";

  /**
   * {@code cdnMetrics/{yyyyMMddHHmm}} snapshots of updateCdnMetrics, plus {@code
   * cdnMetrics/latest}.
   */
  public static final String METRICS = "cdnMetrics";

  /**
   * {@code cdnBandwidth/{yyyyMMddHH}}: egress of one hour by asset type and region
   * (monitorBandwidth).
   */
  public static final String BANDWIDTH = "cdnBandwidth";

  /**
   * {@code cdnEgress/{bucket}~{region}~{type}}: recorded egress per 5-minute bucket (Firestore
   * egress source).
   */
  public static final String EGRESS = "cdnEgress";

  /** {@code cdnPurges/{id}}: every purge request and what the CDN adapter answered. */
  public static final String PURGES = "cdnPurges";

  /** {@code cdnPurgeState/all}: when everything was last purged (rate limit). */
  public static final String PURGE_STATE = "cdnPurgeState";

  /** {@code cdnErasures/{userId}}: progress and checkpoint of eraseUserMedia for one user. */
  public static final String ERASURES = "cdnErasures";

  /**
   * {@code cdnBandwidthCosts/{recordId}}: bandwidth cost inputs until the cost domain's ledger
   * takes them.
   */
  public static final String BANDWIDTH_COSTS = "cdnBandwidthCosts";

  private CdnCollections() {}
}
