package app.avalo.infra.cdn;

import app.avalo.infra.platform.ApiException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Answers what a client needs for progressive loading of one image: the placeholder to show at
 * once, the single best variant for the requested width in the best format the client accepts,
 * and a {@code srcset} per format for a {@code <picture>} element. JPEG is always available as
 * the last resort, whatever the client lists.
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

  Map<String, Object> get(String assetId, Integer width, List<String> accepted) {
    AssetStore.Asset asset = assets.find(assetId).orElseThrow(() -> ApiException.notFound("no asset " + assetId));
    if (asset.type() != AssetType.IMAGE && asset.type() != AssetType.AVATAR) {
      throw ApiException.failedPrecondition("asset " + assetId + " is a " + asset.type().wire() + ", not an image");
    }
    if (!asset.ready()) {
      throw ApiException.failedPrecondition("asset " + assetId + " is " + asset.status() + ", not ready");
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
    List<Variant> ladder = asset.variants().stream().filter(v -> v.format().equals(best))
        .sorted(Comparator.comparingInt(Variant::width)).toList();
    Variant chosen = ladder.get(ladder.size() - 1);
    if (width != null) {
      for (Variant v : ladder) {
        if (v.width() >= width) {
          chosen = v;
          break;
        }
      }
    }
    List<Map<String, Object>> sources = new ArrayList<>();
    for (String f : formats) {
      Map<String, Object> source = new LinkedHashMap<>();
      source.put("format", f);
      source.put("type", "image/" + f);
      source.put("srcset", srcset(asset, f));
      sources.add(source);
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("assetId", asset.id());
    out.put("width", asset.width());
    out.put("height", asset.height());
    out.put("placeholder", asset.placeholder());
    out.put("url", storage.publicUrl(chosen.path()));
    out.put("format", chosen.format());
    out.put("variantWidth", chosen.width());
    out.put("variantHeight", chosen.height());
    out.put("srcset", srcset(asset, best));
    out.put("sources", sources);
    return out;
  }

  private String srcset(AssetStore.Asset asset, String format) {
    return asset.variants().stream().filter(v -> v.format().equals(format))
        .sorted(Comparator.comparingInt(Variant::width))
        .map(v -> storage.publicUrl(v.path()) + " " + v.width() + "w")
        .collect(Collectors.joining(", "));
  }
}
