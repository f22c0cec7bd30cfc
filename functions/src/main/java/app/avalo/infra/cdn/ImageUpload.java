package app.avalo.infra.cdn;

import java.util.List;

/**
 * What uploadImage and cacheAiAvatar answer: the asset, its placeholder and every variant's URL.
 * {@code expiresAt} (private photos) is when the signed URLs expire; {@code version} and {@code
 * unchanged} are for avatars only. An unchanged avatar is answered from its record, without {@code
 * visibility}.
 */
record ImageUpload(
    String assetId,
    String type,
    String status,
    int width,
    int height,
    String sourceFormat,
    String placeholder,
    String visibility,
    List<Variant.Client> variants,
    String expiresAt,
    List<String> notes,
    String version,
    Boolean unchanged) {}
