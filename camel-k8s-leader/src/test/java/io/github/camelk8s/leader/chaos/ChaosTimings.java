package io.github.camelk8s.leader.chaos;

import java.time.Duration;

import io.github.camelk8s.leader.testsupport.Timings;

/**
 * The election timings of a chaos run, short so that many failovers fit in a few seconds, and the recovery bounds
 * they imply.
 */
final class ChaosTimings {

    /** leaseDuration 2 s, renewDeadline 1.5 s, retryPeriod 200 ms, renewalInterval 300 ms. */
    static final Timings TIMINGS = new Timings("chaos", Duration.ofSeconds(2), Duration.ofMillis(1500),
            Duration.ofMillis(200), Duration.ofMillis(300));

    static final Duration RECOVERY_MARGIN = Duration.ofMillis(800);

    private ChaosTimings() {
    }

    /**
     * How soon after every fault is lifted some pod must be processing again: a follower may have seen the Lease
     * change just before, and then waits leaseDuration; its attempt may have just failed, and then it retries
     * after retryPeriod; the margin covers the acquiring write, starting the route, the timer's first exchange
     * and a busy machine.
     */
    static Duration recoveryBound(Timings timings) {
        return timings.leaseDuration().plus(timings.retryPeriod()).plus(RECOVERY_MARGIN);
    }

    /**
     * How soon after a fault strikes one pod alone some other pod must be processing, if that pod led: it stops
     * leading within renewDeadline; the last of its writes (late by up to {@code addedLatency}) lands by then and
     * restarts the others' count; they wait leaseDuration, retry after retryPeriod at worst, and the margin covers
     * the rest as for {@link #recoveryBound}.
     */
    static Duration takeoverBound(Timings timings, Duration addedLatency) {
        return timings.renewDeadline().plus(addedLatency).plus(timings.leaseDuration()).plus(timings.retryPeriod())
                .plus(RECOVERY_MARGIN);
    }
}
