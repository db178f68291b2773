package io.github.camelk8s.leader.example;

import io.github.camelk8s.leader.testsupport.MockApiServer;
import io.github.camelk8s.leader.testsupport.Replicas;
import org.apache.camel.main.Main;

/**
 * A local try without a cluster: three replicas of the application in one JVM, on an embedded mock API server.
 * Replica N serves its HTTP routes on port 8080+N and its management endpoints on 9876+N. Stop with Ctrl-C.
 */
public final class LocalTry {

    private LocalTry() {
    }

    public static void main(String[] args) throws Exception {
        Replicas replicas = new Replicas(new MockApiServer("example"));
        for (int n = 0; n < 3; n++) {
            Main application = Application.create();
            application.addOverrideProperty("camel.server.port", String.valueOf(8080 + n));
            application.addOverrideProperty("camel.management.port", String.valueOf(9876 + n));
            replicas.start("replica-" + n, application);
        }
        System.out.println("""

                Three replicas compete for Lease example/%s. Try, in another terminal:
                  curl localhost:8080/leader localhost:8081/leader localhost:8082/leader
                  curl -X POST localhost:808N/leader/yield      (N: the leader's number; another replica takes over)
                  curl -s localhost:9876/observe/metrics | grep k8s_leader
                  curl -s 'localhost:9876/observe/health?exposureLevel=full'
                Ctrl-C stops all three (the leader releases the Lease first).
                """.formatted(LeaderRoutes.LEASE));
        replicas.runUntilInterrupted(0, () -> {
        });
    }
}
