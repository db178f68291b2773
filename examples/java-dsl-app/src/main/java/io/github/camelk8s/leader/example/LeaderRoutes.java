package io.github.camelk8s.leader.example;

import io.github.camelk8s.leader.policy.K8sLeaderRoutePolicy;
import org.apache.camel.builder.RouteBuilder;

/**
 * Every replica runs all four routes, but {@code report} runs in the leader only.
 * <ul>
 * <li>{@code report}: the leader-only scheduled work. Its {@link K8sLeaderRoutePolicy} starts it when this pod is
 * elected on the Lease and stops it when this pod loses leadership.</li>
 * <li>{@code leadership}: one message per leadership change (ELECTED, LOST, NEW_LEADER) on the Lease.</li>
 * <li>{@code status} and {@code yield}: {@code GET /leader} answers this pod's leadership status; {@code POST
 * /leader/yield} makes it step down for planned maintenance (release, then stay out for a minute).</li>
 * </ul>
 * The HTTP server of the last two is bound to 127.0.0.1 (application.properties): stepping down is for an operator
 * in the pod ({@code kubectl exec}, {@code kubectl port-forward}), not for whatever reaches the pod's IP.
 */
public class LeaderRoutes extends RouteBuilder {

    /** The Lease the replicas compete for. */
    public static final String LEASE = "camel-k8s-leader-example";

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

        from("platform-http:/leader?httpMethodRestrict=GET")
                .routeId("status")
                .to("k8s-leader:" + LEASE + "?operation=status")
                .convertBodyTo(String.class)
                .transform(body().append("\n"));

        from("platform-http:/leader/yield?httpMethodRestrict=POST")
                .routeId("yield")
                .to("k8s-leader:" + LEASE + "?operation=yield&yieldDuration={{example.yield-duration:60s}}")
                .convertBodyTo(String.class)
                .transform(body().append("\n"));
    }
}
