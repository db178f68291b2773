package io.github.camelk8s.leader.springboot;

import io.github.camelk8s.leader.cluster.K8sLeaderClusterService;
import org.apache.camel.spring.boot.CamelAutoConfiguration;
import org.apache.camel.spring.boot.cluster.ClusteredRouteControllerAutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigureBefore;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Registers one {@link K8sLeaderClusterService} when {@code camel.cluster.k8s-leader.enabled=true}, configured by
 * {@code camel.cluster.k8s-leader.*}, so that {@code master:} endpoints and {@code ClusteredRoutePolicy} elect on
 * Kubernetes Leases with no code. Camel adds the cluster services it finds among the beans to the CamelContext.
 * <p>
 * Camel's own {@code camel-kubernetes-cluster-service-starter} is on by default: with it on the classpath as well,
 * set {@code camel.cluster.kubernetes.enabled=false}, or the context gets two cluster services.
 */
@Configuration(proxyBeanMethods = false)
@AutoConfigureBefore({ ClusteredRouteControllerAutoConfiguration.class, CamelAutoConfiguration.class })
@ConditionalOnProperty(prefix = K8sLeaderClusterServiceConfiguration.PREFIX, name = "enabled", havingValue = "true")
@EnableConfigurationProperties(K8sLeaderClusterServiceConfiguration.class)
public class K8sLeaderClusterServiceAutoConfiguration {

    @Bean(name = "k8s-leader-cluster-service")
    public K8sLeaderClusterService k8sLeaderClusterService(K8sLeaderClusterServiceConfiguration configuration) {
        K8sLeaderClusterService service = new K8sLeaderClusterService();
        if (configuration.getId() != null) {
            service.setId(configuration.getId());
        }
        if (configuration.getOrder() != null) {
            service.setOrder(configuration.getOrder());
        }
        if (configuration.getGroup() != null) {
            service.setGroup(configuration.getGroup());
        }
        if (configuration.getRebalancing() != null) {
            service.setRebalancing(configuration.getRebalancing());
        }
        if (configuration.getAttributes() != null) {
            service.setAttributes(configuration.getAttributes());
        }
        configuration.applyTo(service.getConfiguration());
        return service;
    }
}
