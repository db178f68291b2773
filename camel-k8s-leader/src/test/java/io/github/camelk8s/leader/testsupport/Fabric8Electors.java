package io.github.camelk8s.leader.testsupport;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElectionConfigBuilder;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElector;
import io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.LeaseLock;

/** fabric8's own LeaderElector on a Lease, as a peer of this component's in the interop tests. */
public final class Fabric8Electors {

    private Fabric8Electors() {
    }

    /**
     * A fabric8 elector (single-use: start it once) competing for the Lease as {@code identity}, releasing it when
     * cancelled, with {@code leads} set while fabric8 believes it leads.
     */
    public static LeaderElector elector(KubernetesClient client, String namespace, String lease, String identity,
                                        Duration leaseDuration, Duration renewDeadline, AtomicBoolean leads) {
        return client.leaderElector().withConfig(new LeaderElectionConfigBuilder()
                .withName(identity)
                .withLock(new LeaseLock(namespace, lease, identity))
                .withLeaseDuration(leaseDuration)
                .withRenewDeadline(renewDeadline)
                .withRetryPeriod(Duration.ofMillis(250))
                .withReleaseOnCancel(true)
                .withLeaderCallbacks(new LeaderCallbacks(() -> leads.set(true), () -> leads.set(false), holder -> {
                }))
                .build()).build();
    }
}
