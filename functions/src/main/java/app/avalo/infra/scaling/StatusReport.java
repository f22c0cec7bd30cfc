package app.avalo.infra.scaling;

import java.time.Instant;
import java.util.List;

/** What {@code getScalingStatus} answers. */
public record StatusReport(Instant generatedAt, String actuator, List<ServiceStatus> services) {}
