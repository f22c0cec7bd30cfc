package app.avalo.infra.cdn;

/**
 * What one takedown did (takedownAsset's answer): {@code alreadyTakenDown} for a repeat, the
 * objects deleted, and the CDN purge (null for private media, which the CDN never cached).
 */
record TakedownOutcome(
    String assetId, String status, boolean alreadyTakenDown, int objectsDeleted, String purgeId) {

  TakedownOutcome(String assetId, boolean alreadyTakenDown, int objectsDeleted, String purgeId) {
    this(assetId, AssetStatus.TAKEN_DOWN.wire(), alreadyTakenDown, objectsDeleted, purgeId);
  }
}
