package io.github.camelk8s.leader;

/**
 * The former name of {@link io.github.camelk8s.leader.cluster.K8sLeaderClusterService}, kept so that beans and
 * properties that name {@code io.github.camelk8s.leader.K8sLeaderClusterService} keep working.
 *
 * @deprecated use {@link io.github.camelk8s.leader.cluster.K8sLeaderClusterService}
 */
@Deprecated(since = "0.1.0")
public class K8sLeaderClusterService extends io.github.camelk8s.leader.cluster.K8sLeaderClusterService {
}
