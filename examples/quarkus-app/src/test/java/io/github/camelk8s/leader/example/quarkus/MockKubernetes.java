package io.github.camelk8s.leader.example.quarkus;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.github.camelk8s.leader.testsupport.MockApiServer;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/**
 * The cluster of the tests: a mock API server, and the application's {@link KubernetesClient} talking to it. The
 * client is the only one in Camel's registry, so the k8s-leader component takes it instead of building its own
 * from the environment.
 */
public class MockKubernetes {

    /** Started when the class is first used, by the producer below; closed with the client. */
    static final MockApiServer API = new MockApiServer();

    /** The identity application.properties gives the pod in the test profile. */
    static final String POD = "quarkus-pod-0";

    // Nothing injects the client, yet ArC keeps it: Camel Quarkus reads the component's options from its jar (the
    // Jandex index finds the @Component class) and keeps beans of their object types, KubernetesClient among them.
    @Produces
    @Singleton
    KubernetesClient kubernetesClient() {
        return API.newClient(POD);
    }

    // after Camel has stopped, so that the pod's release of the Lease on stop reaches the server
    void close(@Disposes KubernetesClient client) {
        client.close();
        API.close();
    }
}
