package io.github.camelk8s.leader;

import java.util.List;

import io.github.camelk8s.leader.pods.CamelPod;
import io.github.camelk8s.leader.pods.Pods;
import io.github.camelk8s.leader.testsupport.MockApiServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static io.github.camelk8s.leader.LeadershipEventType.ELECTED;
import static io.github.camelk8s.leader.LeadershipEventType.NEW_LEADER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The {@code k8s-leader:} consumer: one exchange per leadership event, body and headers as documented. */
class ConsumerEventsTest {

    @RegisterExtension
    final Pods pods = new Pods();

    @Test
    void threePodsOnOneLeaseElectExactlyOneLeader() {
        List<CamelPod> all = pods.start("pod-a", "pod-b", "pod-c");

        CamelPod leader = Pods.awaitSingleLeader(all);

        await().during(CamelPod.LEASE_DURATION).atMost(CamelPod.LEASE_DURATION.multipliedBy(2))
                .until(() -> all.stream().filter(CamelPod::isLeader).toList(), leaders -> leaders.equals(
                        List.of(leader)));
        assertThat(pods.lease().getSpec().getHolderIdentity()).isEqualTo(leader.name());
    }

    @Test
    void theLeaderReceivesElectedAndTheOthersNewLeaderNamingIt() {
        List<CamelPod> all = pods.start("pod-a", "pod-b", "pod-c");
        CamelPod leader = Pods.awaitSingleLeader(all);

        await().atMost(Pods.PATIENCE).untilAsserted(() -> {
            assertThat(leader.eventTypes()).containsExactly(ELECTED);
            for (CamelPod pod : all) {
                if (pod != leader) {
                    assertThat(pod.eventTypes()).as(pod.name()).containsExactly(NEW_LEADER);
                    assertThat(pod.events().get(0).holder()).isEqualTo(leader.name());
                }
            }
        });
    }

    @Test
    void newLeaderEventCarriesTypedHeadersAndALeadershipEventBody() {
        List<CamelPod> all = pods.start("pod-a", "pod-b");
        CamelPod leader = Pods.awaitSingleLeader(all);
        CamelPod follower = all.get(0) == leader ? all.get(1) : all.get(0);

        CamelPod.Event event = await().atMost(Pods.PATIENCE)
                .until(() -> follower.firstEvent(NEW_LEADER), e -> e.isPresent()).get();

        assertThat(event.headers())
                .containsEntry(K8sLeaderConstants.EVENT, "NEW_LEADER")
                .containsEntry(K8sLeaderConstants.LEASE_NAME, CamelPod.LEASE)
                .containsEntry(K8sLeaderConstants.NAMESPACE, MockApiServer.NAMESPACE)
                .containsEntry(K8sLeaderConstants.IDENTITY, follower.name())
                .containsEntry(K8sLeaderConstants.HOLDER_IDENTITY, leader.name())
                .containsEntry(K8sLeaderConstants.IS_LEADER, Boolean.FALSE)
                .containsEntry(K8sLeaderConstants.TRANSITIONS, 0);
        assertThat(event.headers().get(K8sLeaderConstants.EVENT)).isInstanceOf(String.class);
        assertThat(event.headers().get(K8sLeaderConstants.IS_LEADER)).isInstanceOf(Boolean.class);
        assertThat(event.headers().get(K8sLeaderConstants.TRANSITIONS)).isInstanceOf(Integer.class);

        assertThat(event.body()).isInstanceOfSatisfying(LeadershipEvent.class, body -> {
            assertThat(body.getType()).isEqualTo(NEW_LEADER);
            assertThat(body.getLeaseName()).isEqualTo(CamelPod.LEASE);
            assertThat(body.getNamespace()).isEqualTo(MockApiServer.NAMESPACE);
            assertThat(body.getIdentity()).isEqualTo(follower.name());
            assertThat(body.getHolderIdentity()).isEqualTo(leader.name());
            assertThat(body.isLeader()).isFalse();
            assertThat(body.getLeaseTransitions()).isZero();
            assertThat(body.getTimestamp()).isNotNull();
        });
    }

    @Test
    void electedEventSaysThisPodIsLeader() {
        CamelPod pod = pods.start("pod-a");

        CamelPod.Event event = await().atMost(Pods.PATIENCE)
                .until(() -> pod.firstEvent(ELECTED), e -> e.isPresent()).get();

        assertThat(event.headers())
                .containsEntry(K8sLeaderConstants.EVENT, "ELECTED")
                .containsEntry(K8sLeaderConstants.IDENTITY, "pod-a")
                .containsEntry(K8sLeaderConstants.HOLDER_IDENTITY, "pod-a")
                .containsEntry(K8sLeaderConstants.IS_LEADER, Boolean.TRUE)
                .containsEntry(K8sLeaderConstants.TRANSITIONS, 0);
        assertThat(event.body()).isInstanceOfSatisfying(LeadershipEvent.class,
                body -> assertThat(body.isLeader()).isTrue());
    }
}
