package io.github.camelk8s.leader;

import java.time.Duration;
import java.util.List;

import io.github.camelk8s.leader.pods.CamelPod;
import io.github.camelk8s.leader.pods.Pods;
import io.github.camelk8s.leader.testsupport.MockApiServer;
import org.apache.camel.CamelExecutionException;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static io.github.camelk8s.leader.LeadershipEventType.ELECTED;
import static io.github.camelk8s.leader.LeadershipEventType.LOST;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** {@code to("k8s-leader:lease?operation=...")}: the leadership status, and stepping down on request. */
class ProducerTest {

    @RegisterExtension
    final Pods pods = new Pods();

    private static Exchange send(CamelPod pod, String uri) {
        ProducerTemplate template = pod.context().createProducerTemplate();
        Exchange exchange = template.request(uri, e -> {
        });
        if (exchange.getException() != null) {
            throw new CamelExecutionException("failed", exchange, exchange.getException());
        }
        return exchange;
    }

    @Test
    void statusTellsTheLeaderItLeads() {
        CamelPod pod = pods.start("pod-a");
        await().atMost(Pods.PATIENCE).until(pod::isLeader);

        Exchange answer = send(pod, "k8s-leader:" + CamelPod.LEASE + "?operation=status");

        assertThat(answer.getMessage().getBody()).isInstanceOfSatisfying(LeadershipStatus.class, status -> {
            assertThat(status.isLeader()).isTrue();
            assertThat(status.isYielding()).isFalse();
            assertThat(status.getLeaseName()).isEqualTo(CamelPod.LEASE);
            assertThat(status.getNamespace()).isEqualTo(MockApiServer.NAMESPACE);
            assertThat(status.getIdentity()).isEqualTo("pod-a");
            assertThat(status.getHolderIdentity()).isEqualTo("pod-a");
            assertThat(status.getLeaseTransitions()).isZero();
            assertThat(status.getLastRenewal()).isNotNull();
            assertThat(status.getTimestamp()).isNotNull();
        });
        assertThat(answer.getMessage().getHeaders())
                .containsEntry(K8sLeaderConstants.IS_LEADER, true)
                .containsEntry(K8sLeaderConstants.LEASE_NAME, CamelPod.LEASE)
                .containsEntry(K8sLeaderConstants.NAMESPACE, MockApiServer.NAMESPACE)
                .containsEntry(K8sLeaderConstants.IDENTITY, "pod-a")
                .containsEntry(K8sLeaderConstants.HOLDER_IDENTITY, "pod-a")
                .containsEntry(K8sLeaderConstants.TRANSITIONS, 0)
                .doesNotContainKey(K8sLeaderConstants.EVENT);
    }

    @Test
    void statusIsTheDefaultOperationAndTellsAFollowerWhoLeads() {
        List<CamelPod> all = pods.start("pod-a", "pod-b");
        CamelPod leader = Pods.awaitSingleLeader(all);
        CamelPod follower = all.get(0) == leader ? all.get(1) : all.get(0);
        await().atMost(Pods.PATIENCE).until(() -> !follower.events().isEmpty());

        LeadershipStatus status = send(follower, "k8s-leader:" + CamelPod.LEASE).getMessage()
                .getBody(LeadershipStatus.class);

        assertThat(status.isLeader()).isFalse();
        assertThat(status.getIdentity()).isEqualTo(follower.name());
        assertThat(status.getHolderIdentity()).isEqualTo(leader.name());
        assertThat(status.getLastRenewal()).isNull();
    }

    @Test
    void yieldHandsLeadershipToAnotherPodAndStaysOutOfTheElection() {
        List<CamelPod> all = pods.start("pod-a", "pod-b");
        CamelPod leader = Pods.awaitSingleLeader(all);
        CamelPod follower = all.get(0) == leader ? all.get(1) : all.get(0);
        await().atMost(Pods.PATIENCE).until(() -> !leader.work().isEmpty());

        LeadershipStatus status = send(leader, "k8s-leader:" + CamelPod.LEASE + "?operation=yield&yieldDuration=60s")
                .getMessage().getBody(LeadershipStatus.class);

        assertThat(status.isLeader()).isFalse();
        assertThat(status.isYielding()).isTrue();
        // released, not expired: the follower takes over long before leaseDuration would have passed
        await().atMost(Pods.PATIENCE).until(() -> follower.isLeader() && !follower.work().isEmpty());
        Pods.assertWorkInTurns(leader, follower);
        await().atMost(Pods.PATIENCE).untilAsserted(() -> assertThat(leader.eventTypes())
                .containsExactly(ELECTED, LOST, LeadershipEventType.NEW_LEADER));
        // the route stops on a thread of the policy's, not necessarily before the release
        await().atMost(Pods.PATIENCE).until(() -> leader.workStatus().isStopped());
        assertThat(pods.lease().getSpec().getLeaseTransitions()).isEqualTo(1);
    }

    @Test
    void aPodAloneTakesTheLeaseBackOnceItsYieldDurationHasPassed() {
        CamelPod pod = pods.start("pod-a");
        await().atMost(Pods.PATIENCE).until(pod::isLeader);
        long yieldedAt = System.nanoTime();

        send(pod, "k8s-leader:" + CamelPod.LEASE + "?operation=yield&yieldDuration=1500");

        await().atMost(Pods.PATIENCE).until(() -> pod.events(ELECTED).size() == 2);
        assertThat(Duration.ofNanos(pod.events(ELECTED).get(1).nanos() - yieldedAt))
                .isGreaterThanOrEqualTo(Duration.ofMillis(1500));
        assertThat(pod.eventTypes()).containsExactly(ELECTED, LOST, ELECTED);
    }

    @Test
    void theProducerNeedsTheContextToTakePartInTheElection() {
        CamelPod pod = pods.start("pod-a");

        assertThatThrownBy(() -> send(pod, "k8s-leader:other-lease?operation=status"))
                .hasRootCauseInstanceOf(IllegalStateException.class)
                .rootCause().hasMessageContaining("does not take part in the election on Lease test/other-lease");
    }

    @Test
    void anUnknownOperationIsRejected() {
        CamelPod pod = pods.start("pod-a");

        assertThatThrownBy(() -> pod.context().createProducerTemplate()
                .sendBody("k8s-leader:" + CamelPod.LEASE + "?operation=resign", null))
                .rootCause().isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Invalid k8s-leader option operation=resign");
    }
}
