package io.github.camelk8s.leader;

/**
 * The former name of {@link io.github.camelk8s.leader.policy.K8sLeaderRoutePolicyFactory}, kept so that YAML beans
 * and properties that name {@code io.github.camelk8s.leader.K8sLeaderRoutePolicyFactory} keep working.
 *
 * @deprecated use {@link io.github.camelk8s.leader.policy.K8sLeaderRoutePolicyFactory}
 */
@Deprecated(since = "0.1.0")
public class K8sLeaderRoutePolicyFactory extends io.github.camelk8s.leader.policy.K8sLeaderRoutePolicyFactory {

    public K8sLeaderRoutePolicyFactory() {
    }

    public K8sLeaderRoutePolicyFactory(String leaseName) {
        super(leaseName);
    }
}
