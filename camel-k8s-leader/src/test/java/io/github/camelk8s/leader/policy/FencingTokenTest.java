package io.github.camelk8s.leader.policy;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.github.camelk8s.leader.K8sLeaderConstants;
import io.github.camelk8s.leader.LeadershipLostException;
import io.github.camelk8s.leader.pods.CamelPod;
import io.github.camelk8s.leader.pods.Pods;
import io.github.camelk8s.leader.testsupport.MockApiServer;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.seda.SedaEndpoint;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The {@link K8sLeaderConstants#FENCING_TOKEN} header: every exchange a leader-only route lets run carries the token
 * of its pod's term, the same for every exchange of one term and greater for every later term, also after the Lease
 * was deleted and created again; and an exchange of one term runs no step in a later one.
 */
class FencingTokenTest {

    @RegisterExtension
    final Pods pods = new Pods();

    /** A pod whose leader-only route "fenced" notes the token of each of its exchanges. */
    private record FencedPod(CamelPod camel, List<Long> tokens) {
        long lastToken() {
            return tokens.get(tokens.size() - 1);
        }
    }

    @Test
    void everyExchangeOfATermCarriesTheTokenOfTheLeaseThatTermWrote() {
        FencedPod leader = start("pod-a");
        await().atMost(Pods.PATIENCE).until(() -> leader.tokens().size() >= 5);

        assertThat(leader.tokens()).containsOnly(Pods.fencingTokenOf(pods.lease()));
    }

    @Test
    void theNextLeadersTokenIsGreater() {
        FencedPod first = start("pod-a");
        await().atMost(Pods.PATIENCE).until(() -> !first.tokens().isEmpty());
        FencedPod second = start("pod-b");

        first.camel().stop();

        await().atMost(Pods.PATIENCE).until(() -> !second.tokens().isEmpty());
        assertThat(second.tokens()).containsOnly(Pods.fencingTokenOf(pods.lease()));
        assertThat(second.lastToken()).isGreaterThan(first.lastToken());
    }

    @Test
    void aReCreatedLeasesTokensAreGreaterThanTheDeletedOnes() {
        FencedPod leader = start("pod-a");
        await().atMost(Pods.PATIENCE).until(() -> !leader.tokens().isEmpty());
        long before = leader.lastToken();
        // its count starts again at 0: only its creationTimestamp, a later second, orders it after the deleted one
        Instant created = creationOf(pods.lease());
        await().until(() -> Instant.now().getEpochSecond() > created.getEpochSecond());

        pods.api().admin().leases().inNamespace(MockApiServer.NAMESPACE).withName(CamelPod.LEASE).delete();

        await().atMost(Pods.PATIENCE).until(() -> leader.lastToken() != before);
        assertThat(pods.lease().getSpec().getLeaseTransitions()).isZero();
        assertThat(leader.lastToken()).isGreaterThan(before).isEqualTo(Pods.fencingTokenOf(pods.lease()));
    }

    @Test
    void anExchangeQueuedInOneTermRunsNoStepInTheNext() throws Exception {
        List<Exception> refused = new CopyOnWriteArrayList<>();
        List<Long> ran = new CopyOnWriteArrayList<>();
        // one exchange in all: the timer starts again with the route when the pod is elected again
        AtomicBoolean queued = new AtomicBoolean();
        CamelPod pod = pods.create("pod-a").withoutStandardRoutes();
        pod.routes(new RouteBuilder() {
            @Override
            public void configure() {
                from("timer:once?repeatCount=1").routeId("queue").routePolicy(pod.policy())
                        .filter(e -> queued.compareAndSet(false, true))
                            .to("seda:held?waitForTaskToComplete=Never")
                        .end();
                from("seda:held").routeId("held").autoStartup(false)
                        .onException(LeadershipLostException.class).handled(true)
                            .process(e -> refused.add(e.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class)))
                        .end()
                        .process(e -> ran.add(e.getMessage().getHeader(K8sLeaderConstants.FENCING_TOKEN, Long.class)));
            }
        }).start();
        await().atMost(Pods.PATIENCE).until(pod::isLeader);
        long firstTerm = Pods.fencingTokenOf(pods.lease());
        SedaEndpoint held = pod.context().getEndpoint("seda:held", SedaEndpoint.class);
        await().atMost(Pods.PATIENCE).until(() -> held.getCurrentQueueSize() == 1);

        // the pod releases the Lease and takes it again: a new term, while the exchange of the first one waits
        pod.policy().elector().yieldLeadership(Duration.ofMillis(200));
        await().atMost(Pods.PATIENCE).until(() -> pod.isLeader() && Pods.fencingTokenOf(pods.lease()) > firstTerm);
        pod.context().getRouteController().startRoute("held");

        await().atMost(Pods.PATIENCE).until(() -> !refused.isEmpty());
        assertThat(ran).isEmpty();
        assertThat(refused.get(0)).isInstanceOf(LeadershipLostException.class);
    }

    private FencedPod start(String name) {
        List<Long> tokens = new CopyOnWriteArrayList<>();
        CamelPod pod = pods.create(name).withoutStandardRoutes();
        pod.routes(new RouteBuilder() {
            @Override
            public void configure() {
                from("timer:fenced?period=20").routeId("fenced").routePolicy(pod.policy())
                        .process(e -> tokens.add(e.getMessage().getHeader(K8sLeaderConstants.FENCING_TOKEN,
                                Long.class)));
            }
        });
        return new FencedPod(pod.start(), tokens);
    }

    private static Instant creationOf(Lease lease) {
        return OffsetDateTime.parse(lease.getMetadata().getCreationTimestamp()).toInstant();
    }
}
