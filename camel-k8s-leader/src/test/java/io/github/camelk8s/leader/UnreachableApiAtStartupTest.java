package io.github.camelk8s.leader;

import java.time.Duration;

import io.github.camelk8s.leader.pods.CamelPod;
import io.github.camelk8s.leader.pods.Pods;
import org.apache.camel.ServiceStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The API server is down when the pod starts (connection refused). The pod starts anyway, within the bound it was
 * given, does not run its leader-only route, says why, and leads once the API server is back.
 */
class UnreachableApiAtStartupTest {

    @RegisterExtension
    final Pods pods = new Pods();

    @Test
    void withoutAwaitLeadershipTheContextStartsAtOnceAndItsLeaderOnlyRouteWaitsForTheApiServer() {
        pods.api().stop();
        CamelPod pod = pods.create("pod-a");

        long begin = System.nanoTime();
        pod.start();
        Duration took = Duration.ofNanos(System.nanoTime() - begin);

        // it does not wait for an election it cannot win (a generous bound: a loaded machine starts slowly)
        assertThat(took).isLessThan(CamelPod.LEASE_DURATION);
        assertThat(pod.context().isStarted()).isTrue();
        assertThatItWaitsAndThenLeadsOnceTheApiServerIsBack(pod);
    }

    @Test
    void withAwaitLeadershipTheContextStartWaitsForTheTimeoutThenGoesOn() {
        Duration timeout = Duration.ofMillis(1500);
        pods.api().stop();
        CamelPod pod = pods.create("pod-a").configure(o -> {
            o.setAwaitLeadership(true);
            o.setAwaitLeadershipTimeout(timeout);
        });

        long begin = System.nanoTime();
        pod.start();
        Duration took = Duration.ofNanos(System.nanoTime() - begin);

        assertThat(took).isGreaterThanOrEqualTo(timeout).isLessThan(timeout.multipliedBy(2).plusSeconds(1));
        assertThat(pod.context().isStarted()).isTrue();
        assertThatItWaitsAndThenLeadsOnceTheApiServerIsBack(pod);
    }

    private void assertThatItWaitsAndThenLeadsOnceTheApiServerIsBack(CamelPod pod) {
        await().atMost(Pods.PATIENCE).until(() -> pod.policy().elector().lastError() != null);
        assertThat(pod.policy().elector().lastError())
                .hasMessageContaining("Cannot get Lease test/" + CamelPod.LEASE);
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(2))
                .until(() -> !pod.isLeader() && pod.work().isEmpty());
        assertThat(pod.workStatus()).isEqualTo(ServiceStatus.Stopped);
        assertThat(pod.routeStatus(CamelPod.EVENTS_ROUTE)).isEqualTo(ServiceStatus.Started);

        pods.api().start();

        await().atMost(Pods.PATIENCE).until(() -> pod.isLeader() && pod.work().size() >= 3);
        assertThat(pod.policy().elector().lastError()).isNull();
    }
}
