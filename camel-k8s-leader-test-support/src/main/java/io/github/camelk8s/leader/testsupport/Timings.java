package io.github.camelk8s.leader.testsupport;

import java.time.Duration;

/**
 * The election timings a pod runs with: how long a Lease is valid (leaseDuration), how long a leader keeps trying
 * to renew (renewDeadline), how often a candidate retries (retryPeriod) and how often a leader renews
 * (renewalInterval). Implementations without a renewalInterval of their own renew every retryPeriod.
 */
public record Timings(String name, Duration leaseDuration, Duration renewDeadline, Duration retryPeriod,
                      Duration renewalInterval) {

    /** leaseDuration / renewDeadline / retryPeriod / renewalInterval, e.g. "15 s / 10 s / 2 s / 2 s". */
    public String describe() {
        return ms(leaseDuration) + " / " + ms(renewDeadline) + " / " + ms(retryPeriod) + " / " + ms(renewalInterval);
    }

    private static String ms(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
    }
}
