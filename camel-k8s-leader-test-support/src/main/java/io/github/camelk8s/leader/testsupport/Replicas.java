package io.github.camelk8s.leader.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import io.fabric8.kubernetes.client.KubernetesClient;
import org.apache.camel.main.Main;

/**
 * Replicas of a Camel Main application on a {@link MockApiServer}, as a Deployment runs them on a cluster: each
 * gets its own client (bound as {@value Pod#CLIENT_BEAN}, which the component finds in the registry) and its
 * identity ({@code camel.main.name} and {@code camel.component.k8s-leader.identity}). For the examples' tests and
 * their local tries without a cluster.
 */
public final class Replicas implements AutoCloseable {

    private record Replica(Main main, KubernetesClient client) {
    }

    private final MockApiServer api;
    private final Map<String, Replica> replicas = new LinkedHashMap<>();

    public Replicas(MockApiServer api) {
        this.api = api;
    }

    /** Starts {@code application} (configured, not started) as replica {@code identity}. */
    public synchronized Main start(String identity, Main application) {
        if (replicas.containsKey(identity)) {
            throw new IllegalStateException("Replica " + identity + " is already running");
        }
        KubernetesClient client = api.newClient(identity);
        application.bind(Pod.CLIENT_BEAN, client);
        application.addOverrideProperty("camel.main.name", identity);
        application.addOverrideProperty("camel.component.k8s-leader.identity", identity);
        application.start();
        replicas.put(identity, new Replica(application, client));
        return application;
    }

    /** Stops replica {@code identity} gracefully (a leader releases its Leases) and closes its client. */
    public synchronized void stop(String identity) {
        Replica replica = replicas.remove(identity);
        if (replica != null) {
            try {
                replica.main().stop();
            } finally {
                replica.client().close();
            }
        }
    }

    /**
     * Runs until Ctrl-C, calling {@code every} each {@code periodSeconds} meanwhile (0: never); on Ctrl-C stops
     * every replica, then the server.
     */
    public void runUntilInterrupted(long periodSeconds, Runnable every) throws InterruptedException {
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            close();
            api.close();
            stopped.countDown();
        }));
        if (periodSeconds <= 0) {
            stopped.await();
            return;
        }
        while (!stopped.await(periodSeconds, TimeUnit.SECONDS)) {
            every.run();
        }
    }

    /** Stops every replica, the last started first. */
    @Override
    public synchronized void close() {
        List<String> identities = new ArrayList<>(replicas.keySet());
        Collections.reverse(identities);
        identities.forEach(this::stop);
    }

    /** A TCP port free on this machine now, for a replica's HTTP server. */
    public static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
