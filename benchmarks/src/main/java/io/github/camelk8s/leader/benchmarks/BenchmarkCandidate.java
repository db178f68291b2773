package io.github.camelk8s.leader.benchmarks;

import java.time.Duration;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.github.camelk8s.leader.testsupport.MockApiServer;
import io.github.camelk8s.leader.testsupport.Pod;
import io.github.camelk8s.leader.testsupport.WorkLog;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.model.RouteDefinition;

/**
 * One candidate: a {@link Pod} (a CamelContext with its own Kubernetes client, with fabric8's default settings) and
 * a leader-only timer route that notes every exchange in the {@link io.github.camelk8s.leader.testsupport.WorkLog}.
 * The route fires 1 ms after it starts and then every 100 ms, so "the new leader's route processed its first
 * exchange" is when its leadership became useful. Not {@code delay=0}: Camel's timer then schedules its first tick
 * before its consumer counts as started, and when the timer thread wins that race the tick is skipped, adding a
 * whole period at random (seen as 100 ms outliers in every implementation).
 */
abstract class BenchmarkCandidate {

    static final String WORK_ROUTE = "work";

    final Setup setup;
    final String identity;
    final Pod pod;
    final KubernetesClient client;
    final CamelContext context;

    BenchmarkCandidate(Setup setup, String identity) {
        this.setup = setup;
        this.identity = identity;
        this.pod = pod(setup.api(), setup.namespace(), identity);
        this.client = pod.client();
        this.context = pod.context();
    }

    /** A pod with a client of its own (fabric8's defaults), whose graceful stop waits at most 5 s for exchanges. */
    static Pod pod(MockApiServer api, String namespace, String identity) {
        return new Pod(identity, api.newDefaultClient(identity, namespace)).shutdownTimeout(Duration.ofSeconds(5));
    }

    /** The leader-only route, with the implementation's way of making it leader-only. */
    final RouteDefinition workRoute(RouteBuilder routes) {
        return routes.from("timer:work?period=100&delay=1").routeId(WORK_ROUTE)
                .process(exchange -> setup.log().record(identity));
    }

    void start() throws Exception {
        pod.start();
    }

    boolean isRunning() {
        return pod.isRunning();
    }

    /** A graceful shutdown, as in a rolling update: the CamelContext stops. */
    abstract void stopGracefully() throws Exception;

    /**
     * The process dies: its client is closed first (so it can neither renew nor release), then its routes stop in
     * the background.
     */
    void crash() {
        pod.kill();
    }

    /** Whether this candidate, as a follower, would notice a change of the Lease in its steady-state way now. */
    abstract boolean settled();

    /** When the implementation itself announced leadership (0: not known), for the start-up figure. */
    long electedNanos() {
        return 0;
    }

    void stopQuietly() {
        try {
            pod.close();
        } catch (RuntimeException e) {
            // best effort
        }
    }

    /** A poller has settled once it has polled at least once after start: at most its jittered period. */
    boolean pollerSettled(double jitterFactor) {
        long settleNanos = (long) (setup.timings().retryPeriod().toNanos() * jitterFactor) + 300_000_000L;
        return System.nanoTime() - pod.startedNanos() > settleNanos;
    }

    @Override
    public String toString() {
        return identity;
    }
}
