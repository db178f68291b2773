package io.github.camelk8s.leader.springboot;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Leader election on a Kubernetes Lease: the {@code k8s-leader} component's options as
 * {@code camel.component.k8s-leader.*} properties. The Kubernetes client is not a property: a
 * {@code KubernetesClient} bean in the application context is the component's (the only one in the registry),
 * else the component builds its own.
 */
@ConfigurationProperties(prefix = K8sLeaderComponentConfiguration.PREFIX)
public class K8sLeaderComponentConfiguration extends K8sLeaderElectionProperties {

    public static final String PREFIX = "camel.component.k8s-leader";

    /** Whether to enable auto configuration of the k8s-leader component. This is enabled by default. */
    private Boolean enabled;
    /**
     * Allows for bridging the consumer to the Camel routing Error Handler, which mean any exceptions (if possible)
     * occurred while the Camel consumer is trying to pickup incoming messages, or the likes, will now be processed
     * as a message and handled by the routing Error Handler.
     */
    private Boolean bridgeErrorHandler;
    /** Whether the producer should be started lazy (on the first message). */
    private Boolean lazyStartProducer;
    /**
     * Whether autowiring is enabled: options marked as autowired are looked up in the registry, where there is a
     * single instance of their type.
     */
    private Boolean autowiredEnabled;

    public Boolean getEnabled() {
        return enabled;
    }

    public void setEnabled(Boolean enabled) {
        this.enabled = enabled;
    }

    public Boolean getBridgeErrorHandler() {
        return bridgeErrorHandler;
    }

    public void setBridgeErrorHandler(Boolean bridgeErrorHandler) {
        this.bridgeErrorHandler = bridgeErrorHandler;
    }

    public Boolean getLazyStartProducer() {
        return lazyStartProducer;
    }

    public void setLazyStartProducer(Boolean lazyStartProducer) {
        this.lazyStartProducer = lazyStartProducer;
    }

    public Boolean getAutowiredEnabled() {
        return autowiredEnabled;
    }

    public void setAutowiredEnabled(Boolean autowiredEnabled) {
        this.autowiredEnabled = autowiredEnabled;
    }
}
