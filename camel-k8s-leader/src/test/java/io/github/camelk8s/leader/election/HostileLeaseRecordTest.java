package io.github.camelk8s.leader.election;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder;
import io.github.camelk8s.leader.election.RecordingListener.Type;
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
    /** How much earlier than a candidate the test's own watch may see the same write. */
    private static final long OBSERVATION_SKEW_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

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
    void aHolderWithZeroLeaseDurationIsGivenThisCandidatesLeaseDurationNotTakenAtOnce() {
        assertHeldForOwnLeaseDurationWhileRenewed(0);
    }

    @Test
    void aHolderWithNegativeLeaseDurationIsGivenThisCandidatesLeaseDurationNotTakenAtOnce() {
        assertHeldForOwnLeaseDurationWhileRenewed(-30);
    }

    /**
     * A holder that writes a duration no API server would accept still holds the Lease: while it keeps renewing,
     * nobody takes it; once it stops, it is taken after this candidate's own leaseDuration. (Reading such a term as
     * "expired at once", as client-go does, let candidates take a lease whose holder was renewing it.)
     */
    private void assertHeldForOwnLeaseDurationWhileRenewed(int leaseDurationSeconds) {
        Instant now = Instant.now();
        createLease(new LeaseRecord("foreign-pod", leaseDurationSeconds, now, now, 3)
                .toLease(MockApiServer.NAMESPACE, LEASE, null));
        ScheduledExecutorService foreignHolder = Executors.newSingleThreadScheduledExecutor();
        foreignHolder.scheduleWithFixedDelay(this::renewAsForeignHolder, 300, 300, TimeUnit.MILLISECONDS);
        Candidate a = election.start("pod-a");
        Candidate b = election.start("pod-b");
        try {
            await().until(() -> a.events.sawNewLeader("foreign-pod") && b.events.sawNewLeader("foreign-pod"));

            await().during(election.leaseDuration().plusMillis(500)).atMost(election.leaseDuration().plusSeconds(3))
                    .until(() -> election.leaders().isEmpty()
                                 && a.events.count(Type.ELECTED) + b.events.count(Type.ELECTED) == 0);
        } finally {
            foreignHolder.shutdownNow();
        }

        Candidate next = election.awaitLeaderAmong(List.of(a, b), election.leaseDuration().plusSeconds(5));
        long lastRenewalSeen = election.history.lastHeldBy("foreign-pod").orElseThrow().nanos();
        assertThat(Duration.ofNanos(next.lastAcquisitionSentAt() - lastRenewalSeen))
                .isGreaterThanOrEqualTo(election.leaseDuration().minusNanos(OBSERVATION_SKEW_NANOS));
        assertThat(election.record().leaseTransitions()).isEqualTo(4);
    }

    @Test
    void aForeignHolderWithAHugeLeaseDurationIsRespectedUntilItReleases() {
        Instant now = Instant.now();
        createLease(new LeaseRecord("foreign-pod", Integer.MAX_VALUE, now, now, 0)
                .toLease(MockApiServer.NAMESPACE, LEASE, null));
        Candidate a = election.start("pod-a");
        Candidate b = election.start("pod-b");
        await().until(() -> a.events.sawNewLeader("foreign-pod") && b.events.sawNewLeader("foreign-pod"));

        // its term is 68 years: it is not ours to shorten
        await().during(election.leaseDuration().multipliedBy(2)).atMost(election.leaseDuration().multipliedBy(3))
                .until(() -> election.leaders().isEmpty());
        assertThat(a.elector.lastError()).isNull();

        releaseAsForeignHolder();

        Candidate next = election.awaitLeaderAmong(List.of(a, b), Duration.ofSeconds(5));
        assertThat(election.history.replacedByLastTermOf(next.id))
                .hasValueSatisfying(r -> assertThat(r.isHeld()).isFalse());
    }

    @Test
    void aLeaseWithUnparseableTimesIsReadWithoutThemAndTakenOverAfterLeaseDuration() {
        // renewTime and acquireTime are for humans; no decision reads them, so garbage there must not stop the
        // election (fabric8 cannot read such a Lease at all, and only an API server that skips validation, or a
        // hand-edited store, would hold one)
        election.server.admin().genericKubernetesResources("coordination.k8s.io/v1", "Lease")
                .inNamespace(MockApiServer.NAMESPACE)
                .resource(new GenericKubernetesResourceBuilder().withApiVersion("coordination.k8s.io/v1")
                        .withKind("Lease").withNewMetadata().withName(LEASE).endMetadata()
                        .withAdditionalProperties(Map.of("spec", Map.of("holderIdentity", "foreign-pod",
                                "leaseDurationSeconds", 2, "leaseTransitions", 5,
                                "acquireTime", "yesterday", "renewTime", "2026-13-45T99:99:99Z")))
                        .build())
                .create();
        long createdAt = System.nanoTime();

        Candidate candidate = election.start("pod-a");

        await().until(() -> candidate.events.sawNewLeader("foreign-pod"));
        assertThat(candidate.elector.observedRecord().renewTime()).isNull();
        await().atMost(election.leaseDuration().plusSeconds(5)).until(candidate::isAnnouncedLeader);
        assertThat(Duration.ofNanos(candidate.lastAcquisitionSentAt() - createdAt))
                .isGreaterThanOrEqualTo(election.leaseDuration());
        LeaseRecord repaired = election.record();
        assertThat(repaired.holderIdentity()).isEqualTo("pod-a");
        assertThat(repaired.renewTime()).isNotNull();
        assertThat(repaired.leaseTransitions()).isEqualTo(6);
    }

    @Test
    void aLeaseCarryingAnotherToolsContentKeepsItWhenTakenRenewedAndReleased() {
        createLease(new LeaseBuilder().withNewMetadata().withName(LEASE)
                .addToLabels("app.kubernetes.io/managed-by", "Helm")
                .addToAnnotations("meta.helm.sh/release-name", "orders")
                .addNewOwnerReference().withApiVersion("apps/v1").withKind("Deployment").withName("orders")
                .withUid("6a1f2c3e-0000-4000-8000-000000000001").endOwnerReference().endMetadata()
                // spec.preferredHolder, a field of newer API versions (with spec.strategy the Lease would be a
                // coordination controller's, which the component does not compete for: CoordinatedLeaseTest)
                .withNewSpec().withPreferredHolder("pod-b").endSpec()
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
        assertThat(lease.getMetadata().getOwnerReferences()).singleElement()
                .satisfies(owner -> assertThat(owner.getName()).isEqualTo("orders"));
        assertThat(lease.getSpec().getPreferredHolder()).isEqualTo("pod-b");
    }

    private void createLease(Lease lease) {
        election.server.admin().leases().inNamespace(MockApiServer.NAMESPACE).resource(lease).create();
    }

    /** Another elector renewing its term as it wrote it (only renewTime changes), for as long as it holds it. */
    private void renewAsForeignHolder() {
        try {
            Lease lease = election.lease();
            if (LeaseRecord.of(lease).isHeldBy("foreign-pod")) {
                election.server.admin().leases().inNamespace(MockApiServer.NAMESPACE)
                        .resource(new LeaseBuilder(lease).editSpec()
                                .withRenewTime(Instant.now().atZone(ZoneOffset.UTC)).endSpec().build())
                        .update();
            }
        } catch (RuntimeException e) {
            // a lost race shows up as a candidate taking over, which the test asserts against
        }
    }

    private void releaseAsForeignHolder() {
        Lease lease = election.lease();
        election.server.admin().leases().inNamespace(MockApiServer.NAMESPACE)
                .resource(new LeaseBuilder(lease).editSpec().withHolderIdentity("").withLeaseDurationSeconds(1)
                        .endSpec().build())
                .update();
    }
}
