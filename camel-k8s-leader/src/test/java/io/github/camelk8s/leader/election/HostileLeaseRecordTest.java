package io.github.camelk8s.leader.election;

import java.time.Duration;

import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder;
import io.github.camelk8s.leader.testsupport.MockApiServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Lease records this component did not write, or that nobody should have written: each has one clear outcome, and
 * none of them may make two candidates lead, crash an elector or stop the election for good.
 */
class HostileLeaseRecordTest {

    private static final String LEASE = "hostile";

    private Election election;

    @BeforeEach
    void setUp() {
        election = new Election(LEASE).shortLease();
    }

    @AfterEach
    void tearDown() {
        election.close();
    }

    @Test
    void aLeaseWithoutSpecReadsAsReleasedAndIsTakenAndRepaired() {
        createLease(new LeaseBuilder().withNewMetadata().withName(LEASE).endMetadata().build());

        Candidate candidate = election.start("pod-a");

        await().atMost(Duration.ofSeconds(5)).until(candidate::isAnnouncedLeader);
        LeaseRecord repaired = election.record();
        assertThat(repaired.holderIdentity()).isEqualTo("pod-a");
        assertThat(repaired.leaseDurationSeconds()).isEqualTo(2);
        assertThat(repaired.acquireTime()).isNotNull();
        assertThat(repaired.renewTime()).isNotNull();
    }

    @Test
    void aLeaseCarryingAnotherToolsContentKeepsItWhenTakenRenewedAndReleased() {
        createLease(new LeaseBuilder().withNewMetadata().withName(LEASE)
                .addToLabels("app.kubernetes.io/managed-by", "Helm")
                .addToAnnotations("meta.helm.sh/release-name", "orders").endMetadata()
                .withNewSpec().withStrategy("OldestEmulationVersion").withPreferredHolder("pod-b").endSpec()
                .build());
        Candidate candidate = election.start("pod-a");
        await().until(candidate::isAnnouncedLeader);
        String acquired = election.lease().getMetadata().getResourceVersion();
        await().until(() -> !election.lease().getMetadata().getResourceVersion().equals(acquired));

        assertKeepsForeignContent(election.lease());
        candidate.stop();
        Lease released = election.lease();
        assertThat(released.getSpec().getHolderIdentity()).isEmpty();
        assertKeepsForeignContent(released);
    }

    private static void assertKeepsForeignContent(Lease lease) {
        assertThat(lease.getMetadata().getLabels()).containsEntry("app.kubernetes.io/managed-by", "Helm");
        assertThat(lease.getMetadata().getAnnotations()).containsEntry("meta.helm.sh/release-name", "orders");
        assertThat(lease.getSpec().getStrategy()).isEqualTo("OldestEmulationVersion");
        assertThat(lease.getSpec().getPreferredHolder()).isEqualTo("pod-b");
    }

    private void createLease(Lease lease) {
        election.server.admin().leases().inNamespace(MockApiServer.NAMESPACE).resource(lease).create();
    }
}
