package io.github.camelk8s.leader.management;

import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import io.github.camelk8s.leader.pods.FlippingCheck;
import org.apache.camel.health.HealthCheck;
import org.apache.camel.health.HealthCheckRegistry;
import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.impl.health.AbstractHealthCheck;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** What the readinessGate counts: the context's readiness checks that are DOWN, its own k8s-leader ones excluded. */
class ReadinessChecksTest {

    /** The checks the gate counts as DOWN in a started CamelContext holding {@code checks}. */
    private static List<String> downChecksAmong(HealthCheck... checks) throws Exception {
        try (DefaultCamelContext context = new DefaultCamelContext()) {
            for (HealthCheck check : checks) {
                HealthCheckRegistry.get(context).register(check);
            }
            context.start();
            return new ReadinessGate(context).downChecks();
        }
    }

    /** A readiness check of the application's that answers with {@code answer}. */
    private static HealthCheck answering(String id, Consumer<HealthCheckResultBuilder> answer) {
        return new AbstractHealthCheck("app", id) {
            @Override
            public boolean isLiveness() {
                return false;
            }

            @Override
            protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
                answer.accept(builder);
            }
        };
    }

    @Test
    void aDownCheckOfTheApplicationCounts() throws Exception {
        assertThat(downChecksAmong(new FlippingCheck("app", false))).containsExactly("app-database");
    }

    @Test
    void aCheckThatThrowsCountsAsDown() throws Exception {
        HealthCheck broken = new AbstractHealthCheck("app", "broken") {
            @Override
            public boolean isLiveness() {
                return false;
            }

            /** Not doCall, whose exceptions AbstractHealthCheck turns into DOWN itself: the call as a whole. */
            @Override
            public Result call(Map<String, Object> options) {
                throw new IllegalStateException("the check itself failed");
            }

            @Override
            protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
            }
        };

        assertThat(downChecksAmong(broken)).containsExactly("broken");
    }

    @Test
    void aCheckThatHasNotRunYetDoesNotCount() throws Exception {
        // UNKNOWN: a starting pod whose checks have no answer yet must not be kept out of the election
        assertThat(downChecksAmong(answering("starting", HealthCheckResultBuilder::unknown))).isEmpty();
    }

    @Test
    void aDownCheckOfTheK8sLeaderGroupDoesNotCount() throws Exception {
        // its own check is DOWN while the API server is out of reach; counting it would keep the pod out for good
        HealthCheck own = new FlippingCheck(K8sLeaderHealthCheck.GROUP, false);

        assertThat(downChecksAmong(own, new FlippingCheck("app", true))).isEmpty();
    }
}
