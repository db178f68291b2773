/**
 * Leader-only routes: {@link io.github.camelk8s.leader.policy.K8sLeaderRoutePolicy} starts its routes when this
 * pod is ELECTED and stops them when it is LOST, {@link io.github.camelk8s.leader.policy.K8sLeaderRoutePolicyFactory}
 * gives every route (or those matching a pattern) such a policy, and
 * {@link io.github.camelk8s.leader.policy.K8sLeaderStepGuard} checks each step of a leader-only exchange, at any
 * depth and in the routes it calls, against the elector's local validity.
 * <p>
 * <b>Threads.</b> The step guard runs on the exchange's thread, whichever it is, before each step; it reads the
 * elector's clock and counts the step in flight, and never blocks. Route starts and stops run on the component's
 * route-control threads, each policy's in the order of its events ({@code SerialHandOff}), never on the electors'
 * event threads: a route stop waits for the exchanges in flight, and those threads serve every Lease of the JVM.
 * <p>
 * <b>Invariant.</b> A step of a leader-only exchange begins only while this pod's leadership is locally valid; a
 * refused step fails with {@link io.github.camelk8s.leader.LeadershipLostException}, and the handlers of that
 * failure are not checked.
 */
package io.github.camelk8s.leader.policy;
