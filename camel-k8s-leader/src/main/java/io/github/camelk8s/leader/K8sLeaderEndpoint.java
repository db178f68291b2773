package io.github.camelk8s.leader;

import io.fabric8.kubernetes.client.KubernetesClient;
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
 * Leadership events of a Kubernetes Lease election as messages: ELECTED, LOST and NEW_LEADER.
 */
@UriEndpoint(firstVersion = "0.1.0", scheme = K8sLeaderConstants.SCHEME, title = "Kubernetes Leader",
             syntax = "k8s-leader:leaseName", consumerOnly = true, remote = true,
             category = { Category.CLUSTERING, Category.CLOUD },
             headersClass = K8sLeaderConstants.class)
public class K8sLeaderEndpoint extends DefaultEndpoint {

    @UriPath
    @Metadata(required = true, description = "The name of the Lease (a DNS-1123 subdomain)")
    private final String leaseName;
    @UriParam
    private K8sLeaderConfiguration configuration;
    @UriParam(label = "advanced")
    @Metadata(description = "The Kubernetes client to use. Default: the component's.")
    private KubernetesClient kubernetesClient;

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
        throw new UnsupportedOperationException("The k8s-leader endpoint " + getEndpointUri() + " is consumer only");
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

    public KubernetesClient getKubernetesClient() {
        return kubernetesClient;
    }

    public void setKubernetesClient(KubernetesClient kubernetesClient) {
        this.kubernetesClient = kubernetesClient;
    }
}
