package app.avalo.infra.cdn;

import app.avalo.infra.platform.ApiException;
import app.avalo.infra.platform.Caller;
import app.avalo.infra.platform.Status;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Answers what a client needs for progressive loading of one image: the placeholder to show at
 * once, the single best variant for the requested width in the best format the client accepts, and
 * a {@code srcset} per format for a {@code <picture>} element. JPEG is always available as the last
 * resort, whatever the client lists.
 *
 * <p>Public images get CDN URLs. Private media (private photos, voice messages) is answered only to
 * its owner or an admin — anyone else gets the same NOT_FOUND as for a missing asset, so ids cannot
 * be probed — with V4 signed URLs valid until {@code expiresAt}. A taken-down asset is NOT_FOUND
 * with {@code details.status = "taken_down"}.
 */
final class ProgressiveImages {
  /** Best first: smaller files for the same quality. */
  static final List<String> FORMAT_PREFERENCE = List.of("avif", "webp", "jpeg");

  private final AssetStore assets;
  private final MediaStorage storage;

  ProgressiveImages(AssetStore assets, MediaStorage storage) {
    this.assets = assets;
    this.storage = storage;
  }

  /** A {@link ProgressiveImage}, or a {@link VoiceLink} for a ready voice message. */
  Object get(ProgressiveImageRequest request, Caller caller) {
    String assetId = request.assetId();
    Integer width = request.width();
    List<String> accepted = request.formats();
    Asset asset = visible(assetId, caller);
    if (asset.type() == AssetType.VOICE && asset.ready()) {
      return voice(asset);
    }
    if (asset.type() != AssetType.IMAGE && asset.type() != AssetType.AVATAR) {
      throw ApiException.failedPrecondition(
          "asset " + assetId + " is a " + asset.type().wire() + ", not an image");
    }
    if (!asset.ready()) {
      throw ApiException.failedPrecondition(
          "asset " + assetId + " is " + asset.status().wire() + ", not ready");
    }
    List<String> formats = new ArrayList<>();
    for (String f : FORMAT_PREFERENCE) {
      boolean wanted = accepted == null || accepted.contains(f) || f.equals("jpeg");
      if (wanted && asset.variants().stream().anyMatch(v -> v.format().equals(f))) {
        formats.add(f);
      }
    }
    if (formats.isEmpty()) {
      throw ApiException.failedPrecondition("asset " + assetId + " has no image variants");
    }
    String best = formats.get(0);
    List<Variant> ladder =
        asset.variants().stream()
            .filter(v -> v.format().equals(best))
            .sorted(Comparator.comparingInt(Variant::width))
            .toList();
    Variant chosen = ladder.get(ladder.size() - 1);
    if (width != null) {
      for (Variant v : ladder) {
        if (v.width() >= width) {
          chosen = v;
          break;
        }
      }
    }
    Urls urls = new Urls();
    String url = urls.of(chosen.path());
    List<ProgressiveImage.Source> sources = new ArrayList<>();
    for (String f : formats) {
      sources.add(new ProgressiveImage.Source(f, "image/" + f, srcset(asset, f, urls)));
    }
    return new ProgressiveImage(
        asset.id(),
        asset.privateMedia() ? "private" : "public",
        asset.width(),
        asset.height(),
        asset.placeholder(),
        urls.expiresAt,
        url,
        chosen.format(),
        chosen.width(),
        chosen.height(),
        srcset(asset, best, urls),
        sources);
  }

  /**
   * The asset if {@code caller} may see it: public media to any signed-in user, private media to
   * its owner and admins only. Missing, hidden and taken-down assets are all NOT_FOUND.
   */
  private Asset visible(String assetId, Caller caller) {
    ApiException missing = ApiException.notFound("no asset " + assetId);
    Asset asset = assets.find(assetId).orElseThrow(() -> missing);
    if (asset.privateMedia() && !caller.admin() && !caller.uid().equals(asset.owner())) {
      throw missing;
    }
    if (asset.takenDown()) {
      throw new ApiException(
          Status.NOT_FOUND,
          "asset " + assetId + " was taken down",
          Map.of("assetId", assetId, "status", AssetStatus.TAKEN_DOWN.wire()));
    }
    return asset;
  }

  private VoiceLink voice(Asset asset) {
    Urls urls = new Urls();
    String url = urls.of(asset.variants().get(0).path());
    return new VoiceLink(
        asset.id(),
        asset.type().wire(),
        asset.privateMedia() ? "private" : "public",
        asset.details().durationMs(),
        urls.expiresAt,
        url);
  }

  /** URLs of one answer; for private media it keeps the first signed URL's expiry. */
  private final class Urls {
    private String expiresAt;

    String of(String path) {
      if (!MediaStorage.isPrivate(path)) {
        return storage.publicUrl(path);
      }
      SignedUrls.Signed signed = storage.signed(path);
      if (expiresAt == null) {
        expiresAt = signed.expiresAt().toString();
      }
      return signed.url();
    }
  }

  private String srcset(Asset asset, String format, Urls urls) {
    return asset.variants().stream()
        .filter(v -> v.format().equals(format))
        .sorted(Comparator.comparingInt(Variant::width))
        .map(v -> urls.of(v.path()) + " " + v.width() + "w")
        .collect(Collectors.joining(", "));
  }
}
