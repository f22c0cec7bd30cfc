package app.avalo.infra.cdn;

import java.util.List;

/**
 * What uploadVideo answers for a video asset: {@code progress} while it is processing, {@code
 * failureReason} once failed, and the HLS and poster URLs with every variant once ready.
 */
record VideoUpload(
    String assetId,
    String type,
    String status,
    Long durationMs,
    Double progress,
    String failureReason,
    Integer width,
    Integer height,
    String playlistUrl,
    String posterUrl,
    List<Variant.Client> variants) {}
