package io.github.camelk8s.leader.cluster;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.github.camelk8s.leader.K8sLeaderConstants;
import io.github.camelk8s.leader.pods.CamelPod;
import io.github.camelk8s.leader.pods.Pods;
import org.apache.camel.builder.RouteBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The exchanges of a {@code master:} route over {@link K8sLeaderClusterService} carry the fencing token of the term
 * this pod leads the Lease in, as a leader-only route's do.
 */
class MasterRouteTokensTest {

    @RegisterExtension
    final Pods pods = new Pods();

    private CamelPod masterPod(String name, List<Long> tokens) throws Exception {
        CamelPod pod = pods.create(name).withoutStandardRoutes();
        pod.context().addService(new K8sLeaderClusterService());
        return pod.routes(new RouteBuilder() {
            @Override
            public void configure() {
                from("master:" + CamelPod.LEASE + ":timer:tick?period=20&delay=0").routeId("tick")
                        .process(e -> tokens.add(e.getMessage().getHeader(K8sLeaderConstants.FENCING_TOKEN,
                                Long.class)));
            }
        }).start();
    }

    @Test
    void aMasterRoutesExchangesCarryTheTokenOfTheTerm() throws Exception {
        List<Long> tokens = new CopyOnWriteArrayList<>();
        masterPod("pod-a", tokens);

        await().atMost(Pods.PATIENCE).until(() -> tokens.size() >= 5);
        assertThat(tokens).containsOnly(Pods.fencingTokenOf(pods.lease()));
    }

    @Test
    void theNextLeadersMasterRouteCarriesAGreaterToken() throws Exception {
        List<Long> first = new CopyOnWriteArrayList<>();
        CamelPod leader = masterPod("pod-a", first);
        await().atMost(Pods.PATIENCE).until(() -> !first.isEmpty());
        List<Long> second = new CopyOnWriteArrayList<>();
        masterPod("pod-b", second);

        leader.stop();

        await().atMost(Pods.PATIENCE).until(() -> !second.isEmpty());
        assertThat(second).containsOnly(Pods.fencingTokenOf(pods.lease()));
        assertThat(second.get(0)).isGreaterThan(first.get(first.size() - 1));
    }
}
