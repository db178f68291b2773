package io.github.camelk8s.leader.management;

import java.util.Map;

import io.github.camelk8s.leader.pods.FlippingCheck;
import org.apache.camel.health.HealthCheckRegistry;
import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.impl.health.AbstractHealthCheck;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** What the readinessGate counts: the context's readiness checks that are DOWN, its own k8s-leader ones excluded. */
class ReadinessChecksTest {

    @Test
    void aDownCheckOfTheApplicationCounts() throws Exception {
        try (DefaultCamelContext context = new DefaultCamelContext()) {
            HealthCheckRegistry.get(context).register(new FlippingCheck("app", false));
            context.start();

            assertThat(new ReadinessGate(context).downChecks()).containsExactly("app-database");
        }
    }

    @Test
    void aCheckThatThrowsCountsAsDown() throws Exception {
        try (DefaultCamelContext context = new DefaultCamelContext()) {
            HealthCheckRegistry.get(context).register(new AbstractHealthCheck("app", "broken") {
                @Override
                public boolean isLiveness() {
                    return false;
                }

                @Override
                public Result call(Map<String, Object> options) {
                    throw new IllegalStateException("the check itself failed");
                }

                @Override
                protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
                }
            });
            context.start();

            assertThat(new ReadinessGate(context).downChecks()).containsExactly("broken");
        }
    }

    @Test
    void aCheckThatHasNotRunYetDoesNotCount() throws Exception {
        // UNKNOWN: a starting pod whose checks have no answer yet must not be kept out of the election
        try (DefaultCamelContext context = new DefaultCamelContext()) {
            HealthCheckRegistry.get(context).register(new AbstractHealthCheck("app", "starting") {
                @Override
                public boolean isLiveness() {
                    return false;
                }

                @Override
                protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
                    builder.unknown();
                }
            });
            context.start();

            assertThat(new ReadinessGate(context).downChecks()).isEmpty();
        }
    }

    @Test
    void aDownCheckOfTheK8sLeaderGroupDoesNotCount() throws Exception {
        // its own check is DOWN while the API server is out of reach; counting it would keep the pod out for good
        try (DefaultCamelContext context = new DefaultCamelContext()) {
            HealthCheckRegistry.get(context).register(new FlippingCheck(K8sLeaderHealthCheck.GROUP, false));
            HealthCheckRegistry.get(context).register(new FlippingCheck("app", true));
            context.start();

            assertThat(new ReadinessGate(context).downChecks()).isEmpty();
        }
    }
}
