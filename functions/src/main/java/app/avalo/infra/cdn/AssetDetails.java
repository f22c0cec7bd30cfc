package app.avalo.infra.cdn;

import java.util.List;

/**
 * What an asset's processing found out about it and its original, stored flat on {@code
 * cdnAssets/{assetId}} (docs/cdn.md). Kind-specific facts are null for the other kinds and then not
 * stored.
 *
 * @param width delivered pixel width (images, avatars, videos)
 * @param source the original's upload path, or {@code inline}
 * @param sourceFormat the image format the bytes really were
 * @param sourceCodec the video or audio codec of the original
 * @param notes what the image pipeline did (e.g. no AVIF encoder)
 * @param version an avatar's content version (its folder)
 */
record AssetDetails(
    Integer width,
    Integer height,
    String placeholder,
    String storagePrefix,
    String source,
    Long sourceBytes,
    String sourceFormat,
    String sourceCodec,
    Integer sourceWidth,
    Integer sourceHeight,
    Integer sourceChannels,
    Integer orientation,
    Boolean alpha,
    List<String> notes,
    Long durationMs,
    Boolean hasAudio,
    String avatarId,
    String version) {

  static final AssetDetails NONE =
      new AssetDetails(
          null, null, null, null, null, null, null, null, null, null, null, null, null, null, null,
          null, null, null);

  /** A processed photo or avatar ({@code avatarId} and {@code version} null for photos). */
  static AssetDetails image(
      ImagePipeline.Result result,
      String storagePrefix,
      String source,
      long sourceBytes,
      String avatarId,
      String version) {
    return new AssetDetails(
        result.width(),
        result.height(),
        result.placeholder(),
        storagePrefix,
        source,
        sourceBytes,
        result.sourceFormat().wire(),
        null,
        result.sourceWidth(),
        result.sourceHeight(),
        null,
        result.orientation(),
        result.alpha(),
        result.notes(),
        null,
        null,
        avatarId,
        version);
  }

  /** A probed video original; its delivered size is added when it is ready ({@link #withSize}). */
  static AssetDetails video(
      String storagePrefix,
      String source,
      long sourceBytes,
      String codec,
      int sourceWidth,
      int sourceHeight,
      long durationMs,
      boolean hasAudio) {
    return new AssetDetails(
        null,
        null,
        null,
        storagePrefix,
        source,
        sourceBytes,
        null,
        codec,
        sourceWidth,
        sourceHeight,
        null,
        null,
        null,
        null,
        durationMs,
        hasAudio,
        null,
        null);
  }

  /** A voice message and the recording it was made from. */
  static AssetDetails voice(
      String storagePrefix,
      String source,
      long sourceBytes,
      String codec,
      int sourceChannels,
      long durationMs) {
    return new AssetDetails(
        null,
        null,
        null,
        storagePrefix,
        source,
        sourceBytes,
        null,
        codec,
        null,
        null,
        sourceChannels,
        null,
        null,
        null,
        durationMs,
        null,
        null,
        null);
  }

  /** Only a storage prefix (a video claimed before its facts are known, in tests). */
  static AssetDetails stored(String storagePrefix) {
    return NONE.withPrefixAndSize(storagePrefix, null, null);
  }

  /** The same facts with the delivered size of the finished asset. */
  AssetDetails withSize(int width, int height) {
    return withPrefixAndSize(storagePrefix, width, height);
  }

  private AssetDetails withPrefixAndSize(String prefix, Integer width, Integer height) {
    return new AssetDetails(
        width,
        height,
        placeholder,
        prefix,
        source,
        sourceBytes,
        sourceFormat,
        sourceCodec,
        sourceWidth,
        sourceHeight,
        sourceChannels,
        orientation,
        alpha,
        notes,
        durationMs,
        hasAudio,
        avatarId,
        version);
  }
}
