package app.avalo.infra.cost;

import java.time.Instant;

/** A user fraud detection found anomalous on {@code day}, and how long they are throttled. */
record FraudFlag(
    String userId,
    String day,
    long costMicros,
    long thresholdMicros,
    long medianMicros,
    long madMicros,
    int population,
    String rule,
    Instant detectedAt,
    Instant throttledUntil,
    int windowDays) {}
