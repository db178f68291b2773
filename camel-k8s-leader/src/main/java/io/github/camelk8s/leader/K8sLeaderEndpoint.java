package io.github.camelk8s.leader;

import io.github.camelk8s.leader.election.Durations;
import io.github.camelk8s.leader.election.LeaderElectionConfig;
import org.apache.camel.Category;
import org.apache.camel.Consumer;
import org.apache.camel.Processor;
import org.apache.camel.Producer;
import org.apache.camel.spi.Metadata;
import org.apache.camel.spi.UriEndpoint;
import org.apache.camel.spi.UriParam;
import org.apache.camel.spi.UriPath;
import org.apache.camel.support.DefaultEndpoint;

/**
 * Leader election on a Kubernetes Lease: leadership events as messages (ELECTED, LOST, NEW_LEADER), this pod's
 * leadership status, and stepping down on request.
 */
@UriEndpoint(firstVersion = "0.1.0", scheme = K8sLeaderConstants.SCHEME, title = "Kubernetes Leader",
             syntax = "k8s-leader:leaseName", remote = true,
             category = { Category.CLUSTERING, Category.CLOUD },
             headersClass = K8sLeaderConstants.class)
public class K8sLeaderEndpoint extends DefaultEndpoint {

    static final String OPERATION_STATUS = "status";
    static final String OPERATION_YIELD = "yield";
    static final String DEFAULT_YIELD_DURATION = "30s";

    @UriPath
    @Metadata(required = true, description = "The name of the Lease (a DNS-1123 subdomain)")
    private final String leaseName;
    /** This endpoint's options, over the component's. */
    @UriParam
    private K8sLeaderConfiguration configuration;
    @UriParam(label = "producer", defaultValue = OPERATION_STATUS, enums = OPERATION_STATUS + "," + OPERATION_YIELD)
    @Metadata(description = "What the producer does: status puts this pod's leadership of the Lease in the body "
                            + "(a LeadershipStatus); yield makes this pod step down, release the Lease and stay out "
                            + "of the election for yieldDuration, then puts the status in the body. The CamelContext "
                            + "must take part in the election on the Lease (a consumer, route policy or cluster "
                            + "view).")
    private String operation = OPERATION_STATUS;
    @UriParam(label = "producer", defaultValue = DEFAULT_YIELD_DURATION)
    @Metadata(description = "With operation=yield: how long this pod stays out of the election before it competes "
                            + "again.")
    private String yieldDuration = DEFAULT_YIELD_DURATION;

    public K8sLeaderEndpoint(String uri, K8sLeaderComponent component, String leaseName,
                             K8sLeaderConfiguration configuration) {
        super(uri, component);
        this.leaseName = leaseName;
        this.configuration = configuration;
    }

    @Override
    public K8sLeaderComponent getComponent() {
        return (K8sLeaderComponent) super.getComponent();
    }

    @Override
    public Producer createProducer() {
        if (!OPERATION_STATUS.equals(operation) && !OPERATION_YIELD.equals(operation)) {
            throw LeaderElectionConfig.invalidOption("operation", operation, "must be status or yield");
        }
        return new K8sLeaderProducer(this, Durations.parsePositive("yieldDuration", yieldDuration));
    }

    @Override
    public Consumer createConsumer(Processor processor) throws Exception {
        K8sLeaderConsumer consumer = new K8sLeaderConsumer(this, processor);
        configureConsumer(consumer);
        return consumer;
    }

    public String getLeaseName() {
        return leaseName;
    }

    public K8sLeaderConfiguration getConfiguration() {
        return configuration;
    }

    public void setConfiguration(K8sLeaderConfiguration configuration) {
        this.configuration = configuration;
    }

    public String getOperation() {
        return operation;
    }

    public void setOperation(String operation) {
        this.operation = operation;
    }

    public String getYieldDuration() {
        return yieldDuration;
    }

    public void setYieldDuration(String yieldDuration) {
        this.yieldDuration = yieldDuration;
    }

}
