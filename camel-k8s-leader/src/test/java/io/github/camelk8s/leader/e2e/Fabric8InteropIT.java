package io.github.camelk8s.leader.e2e;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElector;
import io.github.camelk8s.leader.election.LeaderElectionConfig;
import io.github.camelk8s.leader.election.LeaseElector;
import io.github.camelk8s.leader.election.LeaseElectorFactory;
import io.github.camelk8s.leader.election.LeaseRecord;
import io.github.camelk8s.leader.election.LeadershipListener;
import io.github.camelk8s.leader.testsupport.Fabric8Electors;
import io.github.camelk8s.leader.testsupport.OverlapSampler;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Our elector and fabric8's {@link LeaderElector} on the same Lease of a real API server: each respects the other's
 * term, each takes over when the other releases, and they never lead at the same time.
 */
class Fabric8InteropIT {

    private static final Duration LEASE_DURATION = Duration.ofSeconds(3);
    private static final Duration RENEW_DEADLINE = Duration.ofSeconds(2);

    @RegisterExtension
    final E2E e2e = new E2E();

    @Test
    void fabric8AndOurElectorNeverLeadTogetherAndEachTakesOverWhenTheOtherReleases() throws Exception {
        String lease = e2e.lease("interop");
        KubernetesClient fabric8Client = e2e.client("fabric8");
        LeaseElectorFactory factory = e2e.closeAfterTest(new LeaseElectorFactory(e2e.client("ours")));
        LeaseElector ours = factory.create(LeaderElectionConfig.builder().namespace(E2E.namespace()).leaseName(lease)
                .identity("ours").leaseDuration(LEASE_DURATION).renewDeadline(RENEW_DEADLINE)
                .retryPeriod(Duration.ofMillis(300)).renewalInterval(Duration.ofMillis(400)).build());
        AtomicInteger ourTerms = new AtomicInteger();
        AtomicInteger ourLosses = new AtomicInteger();
        ours.addListener(new LeadershipListener() {
            @Override
            public void elected(LeaseRecord record) {
                ourTerms.incrementAndGet();
            }

            @Override
            public void lost(LeaseRecord lastKnown) {
                ourLosses.incrementAndGet();
            }
        });
        AtomicBoolean fabric8Leads = new AtomicBoolean();
        OverlapSampler sampler = new OverlapSampler(ours::isLeader, fabric8Leads::get);
        sampler.start();
        try {
            // fabric8 leads first; ours follows it
            CompletableFuture<?> first = fabric8Elector(fabric8Client, lease, "fabric8-1", fabric8Leads).start();
            await().atMost(Duration.ofSeconds(10)).until(fabric8Leads::get);
            ours.start();
            await().atMost(Duration.ofSeconds(10)).until(() -> "fabric8-1".equals(ours.holderIdentity()));
            await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3)).until(() -> !ours.isLeader());

            // fabric8 releases on cancel (a merge patch keeping its name, leaseDurationSeconds=1); ours takes over
            first.cancel(true);
            await().atMost(Duration.ofSeconds(10)).until(ours::isLeader);
            assertThat(fabric8Leads).isFalse();
            LeaseRecord taken = LeaseRecord.of(e2e.get(lease));
            assertThat(taken.holderIdentity()).isEqualTo("ours");
            assertThat(taken.leaseTransitions()).isEqualTo(1);

            // a new fabric8 elector (they are single-use) respects our renewed lease ...
            CompletableFuture<?> second = fabric8Elector(fabric8Client, lease, "fabric8-2", fabric8Leads).start();
            try {
                await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5))
                        .until(() -> ours.isLeader() && !fabric8Leads.get());

                // ... and takes over as soon as ours releases
                ours.stop();
                await().atMost(Duration.ofSeconds(10)).until(fabric8Leads::get);
                LeaseRecord handedBack = LeaseRecord.of(e2e.get(lease));
                assertThat(handedBack.holderIdentity()).isEqualTo("fabric8-2");
                assertThat(handedBack.leaseTransitions()).isEqualTo(2);
                assertThat(ourTerms).hasValue(1);
                assertThat(ourLosses).hasValue(1);
            } finally {
                second.cancel(true);
            }
        } finally {
            sampler.stop();
        }
        assertThat(sampler.samples()).isGreaterThan(1000);
        assertThat(sampler.overlaps()).as("samples in which both believed they lead").isZero();
    }

    private static LeaderElector fabric8Elector(KubernetesClient client, String lease, String identity,
                                                AtomicBoolean leads) {
        return Fabric8Electors.elector(client, E2E.namespace(), lease, identity, LEASE_DURATION, RENEW_DEADLINE, leads);
    }
}
