package io.github.camelk8s.leader.management;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

import io.github.camelk8s.leader.election.LeaseElector;
import org.apache.camel.CamelContext;
import org.apache.camel.CamelContextAware;
import org.apache.camel.health.HealthCheck;
import org.apache.camel.health.HealthCheckRepository;

/**
 * The {@code k8s-leader} health checks of a CamelContext: one {@link K8sLeaderHealthCheck} per Lease this context
 * competes for, present while the elector runs. The component registers it with the context's health-check
 * registry when it starts (camel-health is on the classpath with the component).
 */
public class K8sLeaderHealthCheckRepository implements HealthCheckRepository, CamelContextAware {

    public static final String ID = "k8s-leader";

    private final Map<LeaseElector, K8sLeaderHealthCheck> checks = new ConcurrentHashMap<>();
    private CamelContext camelContext;
    private volatile boolean enabled = true;

    @Override
    public String getId() {
        return ID;
    }

    @Override
    public boolean isEnabled() {
        return enabled;
    }

    @Override
    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    @Override
    public Stream<HealthCheck> stream() {
        return enabled ? checks.values().stream().map(HealthCheck.class::cast) : Stream.empty();
    }

    public void add(LeaseElector elector) {
        K8sLeaderHealthCheck check = new K8sLeaderHealthCheck(elector);
        check.setCamelContext(camelContext);
        checks.put(elector, check);
    }

    public void remove(LeaseElector elector) {
        checks.remove(elector);
    }

    @Override
    public CamelContext getCamelContext() {
        return camelContext;
    }

    @Override
    public void setCamelContext(CamelContext camelContext) {
        this.camelContext = camelContext;
        checks.values().forEach(c -> c.setCamelContext(camelContext));
    }
}
