package io.github.camelk8s.leader.example.yaml;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

import io.fabric8.kubernetes.client.KubernetesClient;
import org.apache.camel.main.Main;

/**
 * A local try without a cluster: three replicas of the YAML application in one JVM, on an embedded mock API
 * server. Watch the log: one replica reports, all three log the leadership events and their status. Every 30
 * seconds the leader stops and another takes over. Stop with Ctrl-C.
 */
public final class LocalTry {

    private LocalTry() {
    }

    public static void main(String[] args) throws Exception {
        MockKubernetes kubernetes = new MockKubernetes();
        List<Main> replicas = new ArrayList<>();
        List<KubernetesClient> clients = new ArrayList<>();
        for (int n = 0; n < 3; n++) {
            replicas.add(start("replica-" + n, kubernetes, clients));
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            replicas.forEach(Main::stop);
            clients.forEach(KubernetesClient::close);
            kubernetes.close();
            stopped.countDown();
        }));
        // a rolling restart, one replica at a time: the stopping leader releases the Lease, another takes over
        for (int n = 0; !stopped.await(30, java.util.concurrent.TimeUnit.SECONDS); n = (n + 1) % replicas.size()) {
            System.out.println("---- restarting replica-" + n);
            replicas.get(n).stop();
            replicas.set(n, start("replica-" + n, kubernetes, clients));
        }
    }

    private static Main start(String identity, MockKubernetes kubernetes, List<KubernetesClient> clients) {
        KubernetesClient client = kubernetes.newClient();
        clients.add(client);
        Main main = new Main();
        main.bind("kubernetesClient", client);
        main.addOverrideProperty("camel.main.name", identity);
        main.addOverrideProperty("camel.component.k8s-leader.identity", identity);
        main.start();
        return main;
    }
}
