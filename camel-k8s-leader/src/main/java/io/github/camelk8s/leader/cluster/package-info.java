/**
 * Camel's cluster service SPI on Kubernetes Leases: with
 * {@link io.github.camelk8s.leader.cluster.K8sLeaderClusterService} in the CamelContext, {@code master:} endpoints
 * and {@code ClusteredRoutePolicy} elect on a Lease named after the Camel cluster namespace, sharing the electors of
 * the {@code k8s-leader} component.
 * <p>
 * <b>Threads.</b> A view joins its election on the thread that starts it. It tells Camel of leadership changes on
 * the electors' event threads, and Camel's {@code master:} consumer and {@code ClusteredRoutePolicy} start and stop
 * their routes there. Unlike a route policy's, their exchanges are not leader-only: no step of theirs is refused.
 */
package io.github.camelk8s.leader.cluster;
