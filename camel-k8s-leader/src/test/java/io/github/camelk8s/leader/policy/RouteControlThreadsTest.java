package io.github.camelk8s.leader.policy;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.IntStream;

import io.github.camelk8s.leader.pods.CamelPod;
import io.github.camelk8s.leader.pods.Pods;
import org.apache.camel.Route;
import org.apache.camel.ServiceStatus;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.support.RoutePolicySupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The policies start and stop their routes on one thread of the component's: many Leases won at once queue their
 * route starts instead of starting a thread each (Camel changes a context's routes one at a time anyway).
 */
class RouteControlThreadsTest {

    private static final int LEASES = 20;

    @RegisterExtension
    final Pods pods = new Pods();

    @Test
    void routesOfTwentyLeasesWonAtOnceStartOneAfterAnotherOnOneThread() {
        Set<String> startedOn = ConcurrentHashMap.newKeySet();
        CamelPod pod = podWithLeases(new RoutePolicySupport() {
            @Override
            public void onStart(Route route) {
                startedOn.add(Thread.currentThread().getName());
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
            }
        });

        pod.start();

        await().atMost(Pods.PATIENCE).until(() -> startedRoutes(pod) == LEASES);
        assertThat(startedOn).singleElement().asString().contains("K8sLeaderRouteControl");
    }

    /** A pod alone, so it wins all its Leases at once, with a leader-only route on each under {@code hook} too. */
    private CamelPod podWithLeases(RoutePolicySupport hook) {
        CamelPod pod = pods.create("pod-a").withoutStandardRoutes();
        return pod.routes(new RouteBuilder() {
            @Override
            public void configure() {
                for (int i = 0; i < LEASES; i++) {
                    from("direct:work-" + i).routeId("work-" + i)
                            .routePolicy(new K8sLeaderRoutePolicy("lease-" + i), hook)
                            .log("work");
                }
            }
        });
    }

    private static long startedRoutes(CamelPod pod) {
        return IntStream.range(0, LEASES).filter(i -> pod.routeStatus("work-" + i) == ServiceStatus.Started).count();
    }
}
