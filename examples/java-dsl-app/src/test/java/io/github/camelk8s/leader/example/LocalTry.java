package io.github.camelk8s.leader.example;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

import io.fabric8.kubernetes.client.KubernetesClient;
import org.apache.camel.main.Main;

/**
 * A local try without a cluster: three replicas of the application in one JVM, on an embedded mock API server.
 * Replica N serves its HTTP routes on port 8080+N and its management endpoints on 9876+N. Stop with Ctrl-C.
 */
public final class LocalTry {

    private LocalTry() {
    }

    public static void main(String[] args) throws Exception {
        MockKubernetes kubernetes = new MockKubernetes();
        List<Main> replicas = new ArrayList<>();
        List<KubernetesClient> clients = new ArrayList<>();
        for (int n = 0; n < 3; n++) {
            KubernetesClient client = kubernetes.newClient();
            clients.add(client);
            Main main = Application.create();
            main.bind("kubernetesClient", client);
            main.addOverrideProperty("camel.main.name", "replica-" + n);
            main.addOverrideProperty("camel.component.k8s-leader.identity", "replica-" + n);
            main.addOverrideProperty("camel.server.port", String.valueOf(8080 + n));
            main.addOverrideProperty("camel.management.port", String.valueOf(9876 + n));
            main.start();
            replicas.add(main);
        }
        System.out.println("""

                Three replicas compete for Lease example/%s. Try, in another terminal:
                  curl localhost:8080/leader localhost:8081/leader localhost:8082/leader
                  curl -X POST localhost:808N/leader/yield      (N: the leader's number; another replica takes over)
                  curl -s localhost:9876/observe/metrics | grep k8s_leader
                  curl -s 'localhost:9876/observe/health?exposureLevel=full'
                Ctrl-C stops all three (the leader releases the Lease first).
                """.formatted(LeaderRoutes.LEASE));
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            replicas.forEach(Main::stop);
            clients.forEach(KubernetesClient::close);
            kubernetes.close();
            stopped.countDown();
        }));
        stopped.await();
    }
}
