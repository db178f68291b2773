package io.github.camelk8s.leader.management;

import java.util.List;

import io.fabric8.kubernetes.api.model.Event;
import io.github.camelk8s.leader.LeadershipEventType;
import io.github.camelk8s.leader.pods.CamelPod;
import io.github.camelk8s.leader.pods.Pods;
import io.github.camelk8s.leader.testsupport.MockApiServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The component records leadership changes as Kubernetes Events on the Lease (option recordEvents). */
class KubernetesEventsTest {

    @RegisterExtension
    final Pods pods = new Pods();

    private List<Event> events() {
        return pods.api().admin().v1().events().inNamespace(MockApiServer.NAMESPACE).list().getItems();
    }

    private List<String> messages() {
        return events().stream().map(Event::getMessage).toList();
    }

    @Test
    void byDefaultBecomingLeaderAndSteppingDownAreRecordedOnTheLease() {
        CamelPod pod = pods.start("pod-a");
        await().atMost(Pods.PATIENCE).until(() -> messages().contains("pod-a became leader"));

        Event event = events().get(0);
        assertThat(event.getReason()).isEqualTo("LeaderElection");
        assertThat(event.getInvolvedObject().getKind()).isEqualTo("Lease");
        assertThat(event.getInvolvedObject().getName()).isEqualTo(CamelPod.LEASE);
        assertThat(event.getInvolvedObject().getUid()).isEqualTo(pods.lease().getMetadata().getUid());

        pod.stop();

        await().atMost(Pods.PATIENCE).until(() -> messages().contains("pod-a stopped leading"));
    }

    @Test
    void recordEventsFalseRecordsNothing() {
        CamelPod pod = pods.create("pod-a").configure(o -> o.setRecordEvents(false)).start();
        await().atMost(Pods.PATIENCE).until(() -> pod.eventTypes().contains(LeadershipEventType.ELECTED));

        pod.stop();

        assertThat(events()).isEmpty();
    }

    @Test
    void aRefusedEventChangesNothingInTheElection() {
        pods.faults().failWith(r -> r.path().contains("/events") && r.method().equals("POST"), 403, -1);
        List<CamelPod> all = pods.start("pod-a", "pod-b");
        CamelPod leader = Pods.awaitSingleLeader(all);
        CamelPod follower = all.get(0) == leader ? all.get(1) : all.get(0);

        leader.stop();

        await().atMost(Pods.PATIENCE).until(follower::isLeader);
        assertThat(leader.eventTypes()).containsExactly(LeadershipEventType.ELECTED, LeadershipEventType.LOST);
        assertThat(events()).isEmpty();
    }
}
