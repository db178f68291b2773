package io.github.camelk8s.leader;

import java.time.Duration;

import io.github.camelk8s.leader.pods.CamelPod;
import io.github.camelk8s.leader.pods.Pods;
import io.github.camelk8s.leader.policy.K8sLeaderRoutePolicy;
import org.apache.camel.ServiceStatus;
import org.apache.camel.builder.RouteBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static io.github.camelk8s.leader.testsupport.FaultDispatcher.candidate;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The awaitLeadership option: CamelContext start waits for the election's outcome, within a bound. */
class AwaitLeadershipTest {

    @RegisterExtension
    final Pods pods = new Pods();

    @Test
    void onAFreeLeaseStartReturnsOnceThisPodIsLeader() {
        CamelPod pod = pods.create("pod-a").configure(o -> o.setAwaitLeadership(true));

        pod.start();

        assertThat(pod.isLeader()).isTrue();
        assertThat(pods.lease().getSpec().getHolderIdentity()).isEqualTo("pod-a");
        await().atMost(Pods.PATIENCE).until(() -> pod.workStatus() == ServiceStatus.Started);
    }

    @Test
    void onAHeldLeaseStartReturnsOnceTheHolderIsKnownWellBeforeTheTimeout() {
        CamelPod holder = pods.start("pod-a");
        await().atMost(Pods.PATIENCE).until(holder::isLeader);
        Duration timeout = Duration.ofSeconds(20);
        CamelPod pod = pods.create("pod-b").configure(o -> {
            o.setAwaitLeadership(true);
            o.setAwaitLeadershipTimeout(timeout);
        });

        long begin = System.nanoTime();
        pod.start();
        Duration took = Duration.ofNanos(System.nanoTime() - begin);

        assertThat(pod.policy().elector().holderIdentity()).isEqualTo("pod-a");
        assertThat(pod.isLeader()).isFalse();
        assertThat(took).isLessThan(timeout.dividedBy(2));
        assertThat(pod.workStatus()).isEqualTo(ServiceStatus.Stopped);
    }

    @Test
    void withTheApiUnreachableStartGoesOnAfterTheTimeout() {
        Duration timeout = Duration.ofMillis(1500);
        pods.faults().failWith(candidate("pod-a"), 503, -1);
        CamelPod pod = pods.create("pod-a").configure(o -> {
            o.setAwaitLeadership(true);
            o.setAwaitLeadershipTimeout(timeout);
        });

        long begin = System.nanoTime();
        pod.start();
        Duration took = Duration.ofNanos(System.nanoTime() - begin);

        assertThat(took).isGreaterThanOrEqualTo(timeout).isLessThan(timeout.multipliedBy(2).plusSeconds(1));
        assertThat(pod.context().isStarted()).isTrue();
        assertThat(pod.routeStatus(CamelPod.EVENTS_ROUTE)).isEqualTo(ServiceStatus.Started);
        assertThat(pod.isLeader()).isFalse();
    }

    @Test
    void theTimeoutBoundsTheWholeStartNotEachRouteOnTheLease() {
        Duration timeout = Duration.ofMillis(1500);
        pods.faults().failWith(candidate("pod-a"), 503, -1);
        CamelPod pod = pods.create("pod-a").configure(o -> {
            o.setAwaitLeadership(true);
            o.setAwaitLeadershipTimeout(timeout);
        });
        pod.routes(new RouteBuilder() {
            @Override
            public void configure() {
                for (int i = 0; i < 4; i++) {
                    from("timer:more-" + i + "?period=1000").routeId("more-" + i)
                            .routePolicy(new K8sLeaderRoutePolicy(CamelPod.LEASE)).log("more");
                }
            }
        });

        long begin = System.nanoTime();
        pod.start();
        Duration took = Duration.ofNanos(System.nanoTime() - begin);

        assertThat(took).isGreaterThanOrEqualTo(timeout).isLessThan(timeout.multipliedBy(2).plusSeconds(1));
    }
}
