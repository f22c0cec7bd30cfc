package app.avalo.infra.scaling;

import java.util.List;

/**
 * A rule as stored, or the default when none is; {@code problems} non-empty means the stored one is
 * unusable and {@code rule} is the default.
 */
public record RuleRead(ScalingRule rule, boolean stored, List<String> problems) {}
