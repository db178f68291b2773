package io.github.camelk8s.leader.example.springboot;

import io.github.camelk8s.leader.policy.K8sLeaderRoutePolicy;
import org.apache.camel.builder.RouteBuilder;
import org.springframework.stereotype.Component;

/**
 * Every replica runs both routes, but {@code report} runs in the leader only.
 * <ul>
 * <li>{@code report}: the leader-only scheduled work. Its {@link K8sLeaderRoutePolicy} starts it when this pod is
 * elected on the Lease and stops it when this pod loses leadership.</li>
 * <li>{@code leadership}: one message per leadership change (ELECTED, LOST, NEW_LEADER) on the Lease.</li>
 * </ul>
 * The Lease's timings and the pod's identity come from {@code camel.component.k8s-leader.*} in
 * application.properties; status and step-down are {@link LeaderController}, on the loopback address only.
 */
@Component
public class LeaderRoutes extends RouteBuilder {

    /** The Lease the replicas compete for. */
    public static final String LEASE = "camel-k8s-leader-spring-boot-example";

    @Override
    public void configure() {
        from("timer:report?period={{example.report-period:10000}}&includeMetadata=true")
                .routeId("report")
                .routePolicy(new K8sLeaderRoutePolicy(LEASE))
                .log("Leader-only work, run #${exchangeProperty.CamelTimerCounter}");

        from("k8s-leader:" + LEASE)
                .routeId("leadership")
                .log("${header.CamelK8sLeaderEvent}: holder=${header.CamelK8sLeaderHolderIdentity}"
                     + " transitions=${header.CamelK8sLeaderTransitions}");
    }
}
