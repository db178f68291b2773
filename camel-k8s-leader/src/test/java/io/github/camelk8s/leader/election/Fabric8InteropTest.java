package io.github.camelk8s.leader.election;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElector;
import io.github.camelk8s.leader.election.RecordingListener.Type;
import io.github.camelk8s.leader.testsupport.Fabric8Electors;
import io.github.camelk8s.leader.testsupport.MockApiServer;
import io.github.camelk8s.leader.testsupport.OverlapSampler;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Our elector and fabric8's LeaderElector read and write the same Lease record, so they can share one election. */
class Fabric8InteropTest {

    private Election election;
    private KubernetesClient fabric8Client;

    @BeforeEach
    void setUp() {
        election = new Election("interop");
        fabric8Client = election.server.newClient("fabric8");
    }

    @AfterEach
    void tearDown() {
        fabric8Client.close();
        election.close();
    }

    @Test
    void fabric8AndOurElectorNeverLeadTogetherAndEachTakesOverWhenTheOtherReleases() throws Exception {
        AtomicBoolean fabric8Leads = new AtomicBoolean();
        Candidate ours = election.candidate("ours");
        OverlapSampler sampler = new OverlapSampler(ours::isLeader, fabric8Leads::get);
        sampler.start();
        try {
            // fabric8 leads first; ours follows it
            CompletableFuture<?> first = fabric8Elector("fabric8-1", fabric8Leads).start();
            await().atMost(Duration.ofSeconds(5)).until(fabric8Leads::get);
            ours.start();
            await().until(() -> ours.events.sawNewLeader("fabric8-1"));
            await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3)).until(() -> !ours.isLeader());

            // fabric8 releases on cancel (a merge patch keeping its name, leaseDurationSeconds=1); ours takes over
            first.cancel(true);
            await().atMost(Duration.ofSeconds(5)).until(ours::isLeader);
            assertThat(fabric8Leads).isFalse();
            assertThat(election.record().holderIdentity()).isEqualTo("ours");
            assertThat(election.record().leaseTransitions()).isEqualTo(1);

            // a new fabric8 elector (they are single-use) respects our renewed lease ...
            CompletableFuture<?> second = fabric8Elector("fabric8-2", fabric8Leads).start();
            try {
                await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3))
                        .until(() -> ours.isLeader() && !fabric8Leads.get());

                // ... and takes over as soon as ours releases
                ours.stop();
                await().atMost(Duration.ofSeconds(5)).until(fabric8Leads::get);
                assertThat(election.record().holderIdentity()).isEqualTo("fabric8-2");
                assertThat(election.record().leaseTransitions()).isEqualTo(2);
                assertThat(ours.events.terms()).containsExactly(Type.ELECTED, Type.LOST);
            } finally {
                second.cancel(true);
            }
        } finally {
            sampler.stop();
        }
        assertThat(sampler.samples()).isGreaterThan(1000);
        assertThat(sampler.overlaps()).as("samples in which both believed they lead").isZero();
    }

    private LeaderElector fabric8Elector(String identity, AtomicBoolean leads) {
        return Fabric8Electors.elector(fabric8Client, MockApiServer.NAMESPACE, "interop", identity,
                election.leaseDuration(), election.renewDeadline(), leads);
    }
}
