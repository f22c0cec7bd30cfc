package app.avalo.infra.cdn;

/** What optimizeVoice answers: the stored Opus message, its signed URL and what it became. */
record VoiceMessage(
    String assetId,
    String type,
    String status,
    String url,
    String expiresAt,
    long durationMs,
    long bytes,
    String codec,
    int channels,
    int bitrate) {}
