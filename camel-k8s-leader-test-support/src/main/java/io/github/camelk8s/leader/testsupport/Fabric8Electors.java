package io.github.camelk8s.leader.testsupport;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElectionConfigBuilder;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElector;
import io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.LeaseLock;

/**
 * fabric8's own LeaderElector on a Lease, wired as an application without a Camel component would (LeaseLock,
 * releaseOnCancel): a peer of this component's in the interop tests and in the benchmarks.
 */
public final class Fabric8Electors {

    private Fabric8Electors() {
    }

    /**
     * A fabric8 elector (single-use: start it once) competing for the Lease as {@code identity}, retrying every
     * 250 ms, releasing it when cancelled, with {@code leads} set while fabric8 believes it leads.
     */
    public static LeaderElector elector(KubernetesClient client, String namespace, String lease, String identity,
                                        Duration leaseDuration, Duration renewDeadline, AtomicBoolean leads) {
        Timings timings = new Timings("interop", leaseDuration, renewDeadline, Duration.ofMillis(250),
                Duration.ofMillis(250));
        return elector(client, namespace, lease, identity, timings,
                new LeaderCallbacks(() -> leads.set(true), () -> leads.set(false), holder -> {
                }));
    }

    /**
     * A fabric8 elector (single-use) competing for the Lease as {@code identity} with {@code timings} (fabric8
     * renews every retryPeriod), releasing it when cancelled, telling {@code callbacks}.
     */
    public static LeaderElector elector(KubernetesClient client, String namespace, String lease, String identity,
                                        Timings timings, LeaderCallbacks callbacks) {
        return client.leaderElector().withConfig(new LeaderElectionConfigBuilder()
                .withName(identity)
                .withLock(new LeaseLock(namespace, lease, identity))
                .withLeaseDuration(timings.leaseDuration())
                .withRenewDeadline(timings.renewDeadline())
                .withRetryPeriod(timings.retryPeriod())
                .withReleaseOnCancel(true)
                .withLeaderCallbacks(callbacks)
                .build()).build();
    }
}
