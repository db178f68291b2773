package io.github.camelk8s.leader.example.yaml;

import java.util.concurrent.atomic.AtomicInteger;

import io.github.camelk8s.leader.testsupport.MockApiServer;
import io.github.camelk8s.leader.testsupport.Replicas;
import org.apache.camel.main.Main;

/**
 * A local try without a cluster: three replicas of the YAML application in one JVM, on an embedded mock API
 * server. Watch the log: one replica reports, all three log the leadership events and their status. Every 30
 * seconds the leader stops and another takes over. Stop with Ctrl-C.
 */
public final class LocalTry {

    private static final int REPLICAS = 3;

    private LocalTry() {
    }

    public static void main(String[] args) throws Exception {
        Replicas replicas = new Replicas(new MockApiServer("example"));
        for (int n = 0; n < REPLICAS; n++) {
            replicas.start("replica-" + n, new Main());
        }
        // a rolling restart, one replica at a time: the stopping leader releases the Lease, another takes over
        AtomicInteger next = new AtomicInteger();
        replicas.runUntilInterrupted(30, () -> {
            String identity = "replica-" + next.getAndUpdate(n -> (n + 1) % REPLICAS);
            System.out.println("---- restarting " + identity);
            replicas.stop(identity);
            replicas.start(identity, new Main());
        });
    }
}
