package io.github.camelk8s.leader;

/**
 * The former name of {@link io.github.camelk8s.leader.policy.K8sLeaderRoutePolicy}, kept so that YAML beans and
 * properties that name {@code io.github.camelk8s.leader.K8sLeaderRoutePolicy} keep working.
 *
 * @deprecated use {@link io.github.camelk8s.leader.policy.K8sLeaderRoutePolicy}
 */
@Deprecated(since = "0.1.0")
public class K8sLeaderRoutePolicy extends io.github.camelk8s.leader.policy.K8sLeaderRoutePolicy {

    public K8sLeaderRoutePolicy() {
    }

    public K8sLeaderRoutePolicy(String leaseName) {
        super(leaseName);
    }
}
