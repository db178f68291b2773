package io.github.camelk8s.leader.election;

import java.time.Duration;
import java.time.Instant;

import io.github.camelk8s.leader.election.RecordingListener.Type;
import io.github.camelk8s.leader.testsupport.FaultDispatcher;
import io.github.camelk8s.leader.testsupport.MockApiServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static io.github.camelk8s.leader.election.Election.requestsOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The API server refuses: RBAC is missing (403) or the namespace does not exist (404). The outcome is never a
 * silent success and never a tight loop: the candidate does not lead, says what to fix (the verb, the namespace
 * and the Lease), and keeps asking once per retryPeriod, so it leads as soon as the cause is fixed.
 */
class ApiRefusalTest {

    private static final String LEASE = "payroll";
    /** The observation window for request rates: long against retryPeriod (300 ms), short for a test. */
    private static final Duration WINDOW = Duration.ofSeconds(3);

    private Election election;

    @BeforeEach
    void setUp() {
        election = new Election(LEASE);
    }

    @AfterEach
    void tearDown() {
        election.close();
    }

    @Test
    void withoutAnyRbacOnLeasesTheErrorNamesTheVerbNamespaceAndLeaseAndNothingIsElected() {
        Candidate candidate = election.candidate("pod-a");
        FaultDispatcher.Rule forbidden = election.faults().refuse(requestsOf(candidate), 403, "Forbidden",
                forbiddenMessage("get"), -1);

        candidate.start();

        await().atMost(Duration.ofSeconds(5)).until(() -> candidate.elector.lastError() != null);
        assertThat(candidate.elector.lastError().getMessage())
                .contains("Cannot get Lease " + MockApiServer.NAMESPACE + "/" + LEASE)
                .contains("HTTP 403")
                .contains("grant the service account 'get' on leases.coordination.k8s.io in namespace "
                          + MockApiServer.NAMESPACE);
        assertRetriesAtRetryPeriodWithoutLeading(candidate, forbidden);
    }

    @Test
    void withoutRbacToCreateTheErrorNamesCreate() {
        Candidate candidate = election.candidate("pod-a");
        FaultDispatcher.Rule forbidden = election.faults().refuse(
                requestsOf(candidate).and(r -> r.method().equals("POST")), 403, "Forbidden",
                forbiddenMessage("create"), -1);

        candidate.start();

        await().atMost(Duration.ofSeconds(5)).until(() -> candidate.elector.lastError() != null);
        assertThat(candidate.elector.lastError().getMessage())
                .contains("Cannot create Lease " + MockApiServer.NAMESPACE + "/" + LEASE)
                .contains("grant the service account 'create'");
        assertRetriesAtRetryPeriodWithoutLeading(candidate, forbidden);
    }

    @Test
    void withoutRbacToUpdateTheErrorNamesUpdate() {
        Instant now = Instant.now();
        election.server.admin().leases().inNamespace(MockApiServer.NAMESPACE)
                .resource(new LeaseRecord("", 1, now, now, 0).toLease(MockApiServer.NAMESPACE, LEASE, null)).create();
        Candidate candidate = election.candidate("pod-a");
        FaultDispatcher.Rule forbidden = election.faults().refuse(
                requestsOf(candidate).and(r -> r.method().equals("PUT")), 403, "Forbidden",
                forbiddenMessage("update"), -1);

        candidate.start();

        await().atMost(Duration.ofSeconds(5)).until(() -> candidate.elector.lastError() != null);
        assertThat(candidate.elector.lastError().getMessage())
                .contains("Cannot update Lease " + MockApiServer.NAMESPACE + "/" + LEASE)
                .contains("grant the service account 'update'");
        assertRetriesAtRetryPeriodWithoutLeading(candidate, forbidden);
    }

    @Test
    void aLeaderWhoseRightToUpdateIsRevokedStepsDownBeforeAnotherIsElectedAndNamesTheVerb() {
        Candidate leader = election.startLeader("pod-a");
        Candidate follower = election.startFollowerOf(leader, "pod-b");

        election.faults().refuse(requestsOf(leader).and(r -> r.method().equals("PUT")), 403, "Forbidden",
                forbiddenMessage("update"), -1);

        // reported while its renewals are refused (once it follows a valid leader it needs no write, and reports
        // the refusal again when it next tries one)
        await().atMost(Duration.ofSeconds(5)).until(() -> leader.elector.lastError() != null);
        assertThat(leader.elector.lastError().getMessage())
                .contains("Cannot update Lease " + MockApiServer.NAMESPACE + "/" + LEASE)
                .contains("grant the service account 'update'");
        await().atMost(Duration.ofSeconds(10)).until(follower::isAnnouncedLeader);
        assertThat(leader.events.count(Type.LOST)).isEqualTo(1);
        assertThat(leader.events.last(Type.LOST).orElseThrow().nanos())
                .isLessThan(follower.events.first(Type.ELECTED).orElseThrow().nanos());
        assertThat(leader.isLeader()).isFalse();
    }

    @Test
    void withoutRbacToListAndWatchTheElectionStillWorksByPolling() {
        Candidate leader = election.start("pod-a");
        await().until(leader::isLeader);
        Candidate follower = election.candidate("pod-b");
        election.faults().refuse(requestsOf(follower).and(r -> !r.path().contains("/leases/" + LEASE)), 403,
                "Forbidden", forbiddenMessage("list"), -1);
        follower.start();
        await().until(() -> follower.events.sawNewLeader("pod-a"));

        leader.stop();

        // no watch event tells it: its poll every retryPeriod sees the release, which it takes
        await().atMost(Duration.ofSeconds(10)).until(follower::isAnnouncedLeader);
        assertThat(election.history.replacedByLastTermOf(follower.id))
                .hasValueSatisfying(r -> assertThat(r.isHeld()).isFalse());
    }

    @Test
    void inANamespaceThatDoesNotExistTheErrorSaysSo() {
        Candidate candidate = election.candidate("pod-a", b -> b.namespace("no-such-namespace"));
        // what a real API server answers: the Lease is not found (absent), and creating it fails on the namespace
        FaultDispatcher.Rule missing = election.faults().refuse(
                requestsOf(candidate).and(r -> r.method().equals("POST")), 404, "NotFound",
                "namespaces \"no-such-namespace\" not found", -1);

        candidate.start();

        await().atMost(Duration.ofSeconds(5)).until(() -> candidate.elector.lastError() != null);
        assertThat(candidate.elector.lastError().getMessage())
                .contains("Cannot create Lease no-such-namespace/" + LEASE)
                .contains("HTTP 404")
                .contains("namespace no-such-namespace does not exist");
        assertRetriesAtRetryPeriodWithoutLeading(candidate, missing);
    }

    /**
     * The candidate keeps trying, about once per retryPeriod (plus the watch's own back-off), never in a tight
     * loop; it does not lead while refused, and leads once the refusal ends.
     */
    private void assertRetriesAtRetryPeriodWithoutLeading(Candidate candidate, FaultDispatcher.Rule refusal) {
        long before = election.counts().requestCount(candidate.id);
        await().during(WINDOW).atMost(WINDOW.plusSeconds(2)).until(() -> !candidate.isLeader());
        long requests = election.counts().requestCount(candidate.id) - before;
        long attempts = WINDOW.toMillis() / 300;
        assertThat(requests).as("requests in %s", WINDOW).isPositive().isLessThanOrEqualTo((int) (2 * attempts + 6));
        assertThat(candidate.events.count(Type.ELECTED)).isZero();

        election.faults().remove(refusal);

        await().atMost(Duration.ofSeconds(5)).until(candidate::isAnnouncedLeader);
        assertThat(candidate.elector.lastError()).isNull();
    }

    private static String forbiddenMessage(String verb) {
        return "leases.coordination.k8s.io \"" + LEASE + "\" is forbidden: User \"system:serviceaccount:"
               + MockApiServer.NAMESPACE + ":default\" cannot " + verb
               + " resource \"leases\" in API group \"coordination.k8s.io\" in the namespace \""
               + MockApiServer.NAMESPACE + "\"";
    }
}
