package app.avalo.infra.scaling;

import java.time.Instant;

/** A minute's aggregate of one service: averages over its samples plus the newest sample's. */
public record MinuteBucket(
    Instant minute,
    long samples,
    double cpu,
    double memory,
    double rps,
    double instancesAvg,
    Instant lastAt,
    long lastInstances) {}
