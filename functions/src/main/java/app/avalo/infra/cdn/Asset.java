package app.avalo.infra.cdn;

import java.time.Instant;
import java.util.List;

/**
 * One asset as the registry ({@code cdnAssets/{assetId}}) holds it: one processed upload and all
 * its variants.
 *
 * @param job the transcode bookkeeping (videos only; null otherwise)
 */
record Asset(
    String id,
    AssetType type,
    AssetStatus status,
    String owner,
    Instant createdAt,
    Instant updatedAt,
    AssetDetails details,
    List<Variant> variants,
    String failureReason,
    VideoJob job) {

  boolean ready() {
    return status == AssetStatus.READY;
  }

  boolean takenDown() {
    return status == AssetStatus.TAKEN_DOWN;
  }

  int width() {
    return details.width() == null ? 0 : details.width();
  }

  int height() {
    return details.height() == null ? 0 : details.height();
  }

  String placeholder() {
    return details.placeholder();
  }

  String storagePrefix() {
    return details.storagePrefix();
  }

  /**
   * Private media: stored under {@code private/}, served only by signed URL to its owner or an
   * admin.
   */
  boolean privateMedia() {
    return storagePrefix() != null && MediaStorage.isPrivate(storagePrefix());
  }
}
