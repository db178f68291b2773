package io.github.camelk8s.leader.policy;

import io.github.camelk8s.leader.policy.K8sLeaderRoutePolicy;
import io.github.camelk8s.leader.policy.K8sLeaderStepGuard;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.spi.InterceptStrategy;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@link K8sLeaderStepGuard} is in every CamelContext before its first route, and a policy insists on it. */
class K8sLeaderStepGuardTest {

    @Test
    void everyCamelContextIsBuiltWithTheStepGuard() throws Exception {
        try (CamelContext context = new DefaultCamelContext()) {
            assertThat(context.getCamelContextExtension().getInterceptStrategies())
                    .filteredOn(K8sLeaderStepGuardTest::isStepGuard).hasSize(1);
        }
    }

    @Test
    void installingTheStepGuardAgainKeepsOne() throws Exception {
        try (CamelContext context = new DefaultCamelContext()) {
            K8sLeaderStepGuard.install(context);

            assertThat(context.getCamelContextExtension().getInterceptStrategies())
                    .filteredOn(K8sLeaderStepGuardTest::isStepGuard).hasSize(1);
        }
    }

    @Test
    void leaderOnlyRouteDoesNotStartInACamelContextWithoutTheStepGuard() throws Exception {
        try (CamelContext context = new DefaultCamelContext()) {
            context.getCamelContextExtension().getInterceptStrategies()
                    .removeIf(K8sLeaderStepGuardTest::isStepGuard);
            context.addRoutes(new RouteBuilder() {
                @Override
                public void configure() {
                    from("direct:work").routeId("work").routePolicy(new K8sLeaderRoutePolicy("lease")).log("work");
                }
            });

            assertThatThrownBy(context::start).rootCause().isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("Route work").hasMessageContaining("Lease lease")
                    .hasMessageContaining("K8sLeaderStepGuard.install(context)");
        }
    }

    private static boolean isStepGuard(InterceptStrategy strategy) {
        return strategy instanceof K8sLeaderStepGuard;
    }
}
