package io.github.camelk8s.leader.example.quarkus;

import io.github.camelk8s.leader.policy.K8sLeaderRoutePolicy;
import org.apache.camel.builder.RouteBuilder;

/**
 * Every replica runs both routes, but {@code report} runs in the leader only. Camel Quarkus finds this class at
 * build time; it needs no CDI annotation.
 * <ul>
 * <li>{@code report}: the leader-only scheduled work. Its {@link K8sLeaderRoutePolicy} starts it when this pod is
 * elected on the Lease and stops it when this pod loses leadership.</li>
 * <li>{@code leadership}: one message per leadership change (ELECTED, LOST, NEW_LEADER) on the Lease.</li>
 * </ul>
 */
public class LeaderRoutes extends RouteBuilder {

    /** The Lease the replicas compete for. */
    public static final String LEASE = "camel-k8s-leader-quarkus-example";

    @Override
    public void configure() {
        from("timer:report?period={{example.report-period}}&includeMetadata=true")
                .routeId("report")
                .routePolicy(new K8sLeaderRoutePolicy(LEASE))
                .log("Leader-only work, run #${exchangeProperty.CamelTimerCounter}");

        from("k8s-leader:" + LEASE)
                .routeId("leadership")
                .log("${header.CamelK8sLeaderEvent}: holder=${header.CamelK8sLeaderHolderIdentity}"
                     + " transitions=${header.CamelK8sLeaderTransitions}");
    }
}
