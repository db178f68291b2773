package io.github.camelk8s.leader.chaos;

import java.time.Duration;

/**
 * The election timings of a chaos run, short so that many failovers fit in a few seconds, and the recovery bound
 * they imply.
 */
record Timings(Duration leaseDuration, Duration renewDeadline, Duration retryPeriod, Duration renewalInterval) {

    /** leaseDuration 2 s, renewDeadline 1.5 s, retryPeriod 200 ms, renewalInterval 300 ms. */
    static Timings chaos() {
        return new Timings(Duration.ofSeconds(2), Duration.ofMillis(1500), Duration.ofMillis(200),
                Duration.ofMillis(300));
    }

    /**
     * How soon after every fault is lifted some pod must be processing again: a follower may have seen the Lease
     * change just before, and then waits leaseDuration; its attempt may have just failed, and then it retries
     * after retryPeriod; the margin covers the acquiring write, starting the route, the timer's first exchange
     * and a busy machine.
     */
    Duration recoveryBound() {
        return leaseDuration.plus(retryPeriod).plus(RECOVERY_MARGIN);
    }

    /**
     * How soon after a fault strikes one pod alone some other pod must be processing, if that pod led: it stops
     * leading within renewDeadline; the last of its writes (late by up to {@code addedLatency}) lands by then and
     * restarts the others' count; they wait leaseDuration, retry after retryPeriod at worst, and the margin covers
     * the rest as for {@link #recoveryBound()}.
     */
    Duration takeoverBound(Duration addedLatency) {
        return renewDeadline.plus(addedLatency).plus(leaseDuration).plus(retryPeriod).plus(RECOVERY_MARGIN);
    }

    static final Duration RECOVERY_MARGIN = Duration.ofMillis(800);
}
