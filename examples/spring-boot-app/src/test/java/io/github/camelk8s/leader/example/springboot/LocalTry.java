package io.github.camelk8s.leader.example.springboot;

import java.util.concurrent.CountDownLatch;

import io.github.camelk8s.leader.testsupport.MockApiServer;

/**
 * A local try without a cluster: three replicas of the Spring Boot application in one JVM, on an embedded mock API
 * server. Replica N serves /leader on 127.0.0.1:8080+N and its actuator on 9876+N. Stop with Ctrl-C.
 */
public final class LocalTry {

    private LocalTry() {
    }

    public static void main(String[] args) throws Exception {
        MockApiServer api = new MockApiServer();
        SpringReplicas replicas = new SpringReplicas(api);
        for (int n = 0; n < 3; n++) {
            replicas.start("replica-" + n, "", 8080 + n, 9876 + n);
        }
        System.out.println("""

                Three replicas compete for Lease %s/%s. Try, in another terminal:
                  curl localhost:8080/leader localhost:8081/leader localhost:8082/leader
                  curl -X POST localhost:808N/leader/yield      (N: the leader's number; another replica takes over)
                  curl -s localhost:9876/actuator/prometheus | grep k8s_leader
                  curl -s localhost:9876/actuator/health/readiness
                Ctrl-C stops all three (the leader releases the Lease first).
                """.formatted(MockApiServer.NAMESPACE, LeaderRoutes.LEASE));
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            replicas.close();
            api.close();
            stopped.countDown();
        }));
        stopped.await();
    }
}
