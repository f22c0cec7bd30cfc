package app.avalo.infra.cdn;

import app.avalo.infra.platform.ApiException;
import app.avalo.infra.platform.Caller;
import app.avalo.infra.platform.Status;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
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

  Map<String, Object> get(String assetId, Integer width, List<String> accepted, Caller caller) {
    AssetStore.Asset asset = visible(assetId, caller);
    if (asset.type() == AssetType.VOICE && asset.ready()) {
      return voice(asset);
    }
    if (asset.type() != AssetType.IMAGE && asset.type() != AssetType.AVATAR) {
      throw ApiException.failedPrecondition(
          "asset " + assetId + " is a " + asset.type().wire() + ", not an image");
    }
    if (!asset.ready()) {
      throw ApiException.failedPrecondition(
          "asset " + assetId + " is " + asset.status() + ", not ready");
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
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("assetId", asset.id());
    out.put("visibility", asset.privateMedia() ? "private" : "public");
    out.put("width", asset.width());
    out.put("height", asset.height());
    out.put("placeholder", asset.placeholder());
    out.put("url", url(chosen.path(), out));
    out.put("format", chosen.format());
    out.put("variantWidth", chosen.width());
    out.put("variantHeight", chosen.height());
    List<Map<String, Object>> sources = new ArrayList<>();
    for (String f : formats) {
      Map<String, Object> source = new LinkedHashMap<>();
      source.put("format", f);
      source.put("type", "image/" + f);
      source.put("srcset", srcset(asset, f, out));
      sources.add(source);
    }
    out.put("srcset", srcset(asset, best, out));
    out.put("sources", sources);
    return out;
  }

  /**
   * The asset if {@code caller} may see it: public media to any signed-in user, private media to
   * its owner and admins only. Missing, hidden and taken-down assets are all NOT_FOUND.
   */
  private AssetStore.Asset visible(String assetId, Caller caller) {
    ApiException missing = ApiException.notFound("no asset " + assetId);
    AssetStore.Asset asset = assets.find(assetId).orElseThrow(() -> missing);
    if (asset.privateMedia() && !caller.admin() && !caller.uid().equals(asset.owner())) {
      throw missing;
    }
    if (asset.takenDown()) {
      throw new ApiException(
          Status.NOT_FOUND,
          "asset " + assetId + " was taken down",
          Map.of("assetId", assetId, "status", AssetStore.TAKEN_DOWN));
    }
    return asset;
  }

  private Map<String, Object> voice(AssetStore.Asset asset) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("assetId", asset.id());
    out.put("type", asset.type().wire());
    out.put("visibility", asset.privateMedia() ? "private" : "public");
    out.put("durationMs", asset.raw().get("durationMs"));
    out.put("url", url(asset.variants().get(0).path(), out));
    return out;
  }

  /**
   * The URL of {@code path}; for private media also records the signed URLs' expiry in {@code out}.
   */
  private String url(String path, Map<String, Object> out) {
    if (!MediaStorage.isPrivate(path)) {
      return storage.publicUrl(path);
    }
    SignedUrls.Signed signed = storage.signed(path);
    out.putIfAbsent("expiresAt", signed.expiresAt().toString());
    return signed.url();
  }

  private String srcset(AssetStore.Asset asset, String format, Map<String, Object> out) {
    return asset.variants().stream()
        .filter(v -> v.format().equals(format))
        .sorted(Comparator.comparingInt(Variant::width))
        .map(v -> url(v.path(), out) + " " + v.width() + "w")
        .collect(Collectors.joining(", "));
  }
}
