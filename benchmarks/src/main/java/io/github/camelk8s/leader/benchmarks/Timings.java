package io.github.camelk8s.leader.benchmarks;

import java.time.Duration;

/**
 * The election timings every implementation gets in a run. The leader renews every retryPeriod, as client-go and
 * fabric8 do (camel-k8s-leader's renewalInterval is set to it; Camel's KubernetesClusterService polls at it).
 */
record Timings(String name, Duration leaseDuration, Duration renewDeadline, Duration retryPeriod) {

    static final Timings DEFAULT = new Timings("default", Duration.ofSeconds(15), Duration.ofSeconds(10),
            Duration.ofSeconds(2));
    static final Timings SHORT = new Timings("short", Duration.ofSeconds(3), Duration.ofSeconds(2),
            Duration.ofMillis(500));

    String describe() {
        return ms(leaseDuration) + " / " + ms(renewDeadline) + " / " + ms(retryPeriod);
    }

    private static String ms(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
    }
}
