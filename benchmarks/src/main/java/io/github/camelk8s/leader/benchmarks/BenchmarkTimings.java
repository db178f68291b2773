package io.github.camelk8s.leader.benchmarks;

import java.time.Duration;

import io.github.camelk8s.leader.testsupport.Timings;

/**
 * The election timings every implementation gets in a run. The leader renews every retryPeriod, as client-go and
 * fabric8 do (camel-k8s-leader's renewalInterval is set to it; Camel's KubernetesClusterService polls at it).
 */
final class BenchmarkTimings {

    static final Timings DEFAULT = new Timings("default", Duration.ofSeconds(15), Duration.ofSeconds(10),
            Duration.ofSeconds(2), Duration.ofSeconds(2));
    static final Timings SHORT = new Timings("short", Duration.ofSeconds(3), Duration.ofSeconds(2),
            Duration.ofMillis(500), Duration.ofMillis(500));

    private BenchmarkTimings() {
    }
}
