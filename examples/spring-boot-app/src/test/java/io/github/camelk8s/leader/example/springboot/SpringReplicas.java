package io.github.camelk8s.leader.example.springboot;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.github.camelk8s.leader.testsupport.MockApiServer;
import io.github.camelk8s.leader.testsupport.Pod;
import io.github.camelk8s.leader.testsupport.Replicas;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Replicas of the Spring Boot application on a {@link MockApiServer}, as a Deployment runs them on a cluster: each
 * gets its own Kubernetes client as a bean (the component uses the application context's client), its identity,
 * and free ports for its server and its management server.
 */
final class SpringReplicas implements AutoCloseable {

    /** One running replica: its application context, its client and its ports. */
    record Replica(String identity, ConfigurableApplicationContext context, KubernetesClient client, int port,
                   int managementPort) {
    }

    private final MockApiServer api;
    private final Map<String, Replica> replicas = new LinkedHashMap<>();

    SpringReplicas(MockApiServer api) {
        this.api = api;
    }

    /** Starts replica {@code identity} with the Spring profiles and properties given, on free ports. */
    Replica start(String identity, String profiles, String... properties) {
        return start(identity, profiles, Replicas.freePort(), Replicas.freePort(), properties);
    }

    /** Starts replica {@code identity} serving on {@code port} and its actuator on {@code managementPort}. */
    synchronized Replica start(String identity, String profiles, int port, int managementPort,
                               String... properties) {
        KubernetesClient client = api.newClient(identity);
        // as command-line arguments, which win over application.properties (builder properties would not)
        List<String> arguments = new ArrayList<>(List.of("--camel.component.k8s-leader.identity=" + identity,
                "--camel.main.name=" + identity, "--server.port=" + port, "--management.server.port=" + managementPort));
        for (String property : properties) {
            arguments.add("--" + property);
        }
        ConfigurableApplicationContext context = new SpringApplicationBuilder(Application.class)
                .profiles(profiles.isEmpty() ? new String[0] : profiles.split(","))
                .initializers(c -> c.getBeanFactory().registerSingleton(Pod.CLIENT_BEAN, client))
                .run(arguments.toArray(String[]::new));
        Replica replica = new Replica(identity, context, client, port, managementPort);
        replicas.put(identity, replica);
        return replica;
    }

    /** Stops replica {@code identity} gracefully, as on SIGTERM (a leader releases the Lease), and closes its client. */
    synchronized void stop(String identity) {
        Replica replica = replicas.remove(identity);
        if (replica != null) {
            try {
                replica.context().close();
            } finally {
                replica.client().close();
            }
        }
    }

    synchronized List<Replica> running() {
        return List.copyOf(replicas.values());
    }

    @Override
    public synchronized void close() {
        List<String> identities = new ArrayList<>(replicas.keySet());
        Collections.reverse(identities);
        identities.forEach(this::stop);
    }
}
