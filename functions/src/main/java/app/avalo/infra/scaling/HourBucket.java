package app.avalo.infra.scaling;

import java.time.Instant;

/** An hour's mean request rate of one service. */
public record HourBucket(Instant hour, long samples, double rps) {}
