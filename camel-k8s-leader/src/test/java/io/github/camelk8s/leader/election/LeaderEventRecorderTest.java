package io.github.camelk8s.leader.election;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

import io.fabric8.kubernetes.api.model.Event;
import io.github.camelk8s.leader.election.RecordingListener.Type;
import io.github.camelk8s.leader.management.LeaderEventRecorder;
import io.github.camelk8s.leader.pods.LogCapture;
import io.github.camelk8s.leader.testsupport.FaultDispatcher;
import io.github.camelk8s.leader.testsupport.MockApiServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Leadership changes become core/v1 Events on the Lease, and failing to record them changes nothing else. */
class LeaderEventRecorderTest {

    private static final Predicate<FaultDispatcher.Request> EVENT_POSTS =
            r -> r.path().contains("/events") && r.method().equals("POST");

    private Election election;
    private ExecutorService executor;

    @BeforeEach
    void setUp() {
        election = new Election("recorded");
        executor = Executors.newSingleThreadExecutor();
    }

    @AfterEach
    void tearDown() {
        election.close();
        executor.shutdownNow();
    }

    private Candidate recordingCandidate(String identity) {
        Candidate candidate = election.candidate(identity);
        candidate.elector.addListener(new LeaderEventRecorder(candidate.client, candidate.elector.config(), executor));
        return candidate.start();
    }

    private List<Event> events() {
        return election.server.admin().v1().events().inNamespace(MockApiServer.NAMESPACE).list().getItems();
    }

    @Test
    void becomingLeaderRecordsAnEventOnTheLeaseLikeClientGo() {
        Candidate candidate = recordingCandidate("pod-a");
        await().until(candidate::isAnnouncedLeader);

        Event event = await().until(this::events, events -> events.size() == 1).get(0);

        assertThat(event.getReason()).isEqualTo("LeaderElection");
        assertThat(event.getMessage()).isEqualTo("pod-a became leader");
        assertThat(event.getType()).isEqualTo("Normal");
        assertThat(event.getMetadata().getName()).startsWith("recorded.");
        assertThat(event.getReportingComponent()).isEqualTo("camel-k8s-leader");
        assertThat(event.getReportingInstance()).isEqualTo("pod-a");
        assertThat(event.getInvolvedObject().getKind()).isEqualTo("Lease");
        assertThat(event.getInvolvedObject().getApiVersion()).isEqualTo("coordination.k8s.io/v1");
        assertThat(event.getInvolvedObject().getName()).isEqualTo("recorded");
        assertThat(event.getInvolvedObject().getNamespace()).isEqualTo(MockApiServer.NAMESPACE);
        assertThat(event.getInvolvedObject().getUid()).isNotEmpty()
                .isEqualTo(election.lease().getMetadata().getUid());
    }

    @Test
    void steppingDownRecordsStoppedLeading() {
        Candidate candidate = recordingCandidate("pod-a");
        await().until(candidate::isAnnouncedLeader);

        candidate.stop();

        await().untilAsserted(() -> assertThat(events()).extracting(Event::getMessage)
                .containsExactlyInAnyOrder("pod-a became leader", "pod-a stopped leading"));
    }

    @Test
    void anEventThatCannotBeCreatedDoesNotAffectTheElection() {
        election.faults().failWith(r -> r.path().contains("/events") && r.method().equals("POST"), 403, -1);
        Candidate first = recordingCandidate("pod-a");
        await().until(first::isAnnouncedLeader);
        Candidate second = recordingCandidate("pod-b");
        await().until(() -> second.events.sawNewLeader("pod-a"));

        first.stop();

        await().atMost(Duration.ofSeconds(10)).until(second::isAnnouncedLeader);
        assertThat(first.events.terms()).containsExactly(Type.ELECTED, Type.LOST);
        assertThat(events()).isEmpty();
    }

    @Test
    void aRefusedEventIsWarnedOfOnceUntilAnEventIsRecordedAgain() {
        try (LogCapture log = LogCapture.open()) {
            FaultDispatcher.Rule refusal = election.faults().failWith(EVENT_POSTS, 403, -1);
            Candidate candidate = recordingCandidate("pod-a");
            await().until(candidate::isAnnouncedLeader);
            // "stopped leading" and "became leader" again: refused too, at DEBUG
            candidate.elector.yieldLeadership(Duration.ofMillis(200));
            await().until(() -> candidate.events.count(Type.ELECTED) == 2 && refusal.hits() >= 3);
            assertThat(log.warningsAbout("Cannot record the event")).hasSize(1);

            election.faults().remove(refusal);
            candidate.elector.yieldLeadership(Duration.ofMillis(200));
            await().until(() -> candidate.events.count(Type.ELECTED) == 3 && events().size() == 2);
            election.faults().failWith(EVENT_POSTS, 403, -1);
            candidate.elector.yieldLeadership(Duration.ofMillis(200));
            await().until(() -> candidate.events.count(Type.ELECTED) == 4);

            await().until(() -> log.warningsAbout("Cannot record the event").size() == 2);
            assertThat(log.warningsAbout("Cannot record the event").get(1).message())
                    .contains("HTTP 403 Forbidden: grant the service account 'create' on events");
        }
    }

    @Test
    void anEventPostThatFailsWithAServerErrorDoesNotAffectTheElection() {
        AtomicInteger refused = new AtomicInteger();
        election.faults().failWith(r -> {
            boolean post = r.path().contains("/events") && r.method().equals("POST");
            if (post) {
                refused.incrementAndGet();
            }
            return post;
        }, 500, -1);
        Candidate candidate = recordingCandidate("pod-a");

        await().until(candidate::isAnnouncedLeader);
        await().until(() -> refused.get() >= 1);
        assertThat(candidate.isLeader()).isTrue();
        assertThat(candidate.elector.statistics().errors()).isZero();
        assertThat(candidate.elector.lastError()).isNull();
    }
}
