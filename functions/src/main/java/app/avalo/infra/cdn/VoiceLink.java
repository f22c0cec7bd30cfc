package app.avalo.infra.cdn;

/** What getProgressiveImage answers for a voice message: its (signed) URL. */
record VoiceLink(
    String assetId,
    String type,
    String visibility,
    Long durationMs,
    String expiresAt,
    String url) {}
