package app.avalo.infra.cdn;

import java.time.Instant;
import java.util.List;

/**
 * What purgeCache ({@code assetId}, {@code urls}) and purgeAllCache ({@code nextAllowedAt}) answer:
 * the purge record's id and what the CDN adapter said.
 */
record PurgeAnswer(
    String purgeId,
    String adapter,
    List<String> operations,
    String assetId,
    Integer urls,
    Instant nextAllowedAt) {}
