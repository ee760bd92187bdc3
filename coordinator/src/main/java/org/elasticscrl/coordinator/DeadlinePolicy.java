package org.elasticscrl.coordinator;

/**
 * How long a lease may take before its chunks are leased to someone else: {@code factor} times
 * the time the worker's measured speed predicts, clamped to {@code [floor, cap]} seconds; the cap
 * until the worker has been measured. No wait is without a deadline (DESIGN I5).
 */
public record DeadlinePolicy(double floorSeconds, double capSeconds, double factor) {
    public DeadlinePolicy {
        if (!(floorSeconds > 0 && capSeconds >= floorSeconds && factor >= 1)) {
            throw new IllegalArgumentException("deadline floor " + floorSeconds + " s, cap " + capSeconds
                    + " s, factor " + factor + ": need 0 < floor <= cap and factor >= 1");
        }
    }

    /** Seconds allowed for {@code samples} samples at {@code speed} samples/s (0 = unknown). */
    public double seconds(int samples, double speed) {
        if (speed <= 0) {
            return capSeconds;
        }
        return Math.max(floorSeconds, Math.min(capSeconds, factor * samples / speed));
    }

    @Override
    public String toString() {
        return String.format("deadline %.0fx expected, within [%.0f s, %.0f s]", factor, floorSeconds, capSeconds);
    }
}
