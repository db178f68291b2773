package io.github.camelk8s.leader;

import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.http.HttpClient;
import io.fabric8.kubernetes.client.utils.HttpClientUtils;

/**
 * Builds the Kubernetes client the component uses when the application gives it none, on a fixed handful of
 * threads however many Leases it serves. A client the application gives the component keeps its own threads: it
 * is the application's.
 * <p>
 * fabric8's defaults give each client a cached thread pool for its tasks, unbounded, and (with its Vert.x HTTP
 * client, the one kubernetes-client brings) a Vert.x instance of its own with Vert.x's default pools: two event loops
 * per core, which requests made from outside Vert.x take in turn, so all of them start. With a thousand Leases that
 * was 13 threads of the client's alone.
 * <p>
 * Here the client's tasks run on one thread ({@link #TASK_THREAD_PREFIX}). fabric8 gives its task executor the
 * informer's event deliveries (two hand-offs per event, each through a serial executor of fabric8's, which runs one
 * task at a time per informer and in order, whatever the pool), the completion of its lists, and its watch
 * reconnects and timeouts: short tasks, none of which waits for another task of the pool. The component's event
 * handlers only pass each event on to the electors' own threads, so one thread serves every namespace's informer;
 * a thousand Leases renewed every two seconds bring it 500 events a second. The queue is unbounded, so that a burst
 * waits instead of being refused: fabric8's serial executor drops a task the pool rejects and then never runs
 * another, which would stop the informer for good (a SynchronousQueue, or a bounded one, would do exactly that).
 * The thread is a daemon, ends after 30 s idle like the electors' pools, and is shut down when the client closes.
 * <p>
 * With the Vert.x HTTP client, the client gets a Vert.x instance with one thread per pool, the blocking ones ending
 * when idle too ({@link OwnClientVertx}); with another HTTP client on the classpath (OkHttp, the JDK's), that one is
 * used as fabric8 configures it.
 */
final class OwnKubernetesClient {

    /** The names of the client's task threads: {@code k8s-leader-client-1}, ... */
    static final String TASK_THREAD_PREFIX = "k8s-leader-client-";

    private static final String VERTX_HTTP_CLIENT_FACTORY = "io.fabric8.kubernetes.client.vertx.VertxHttpClientFactory";

    private OwnKubernetesClient() {
    }

    /** A client with {@code config}; closing it ends its threads. */
    static KubernetesClient build(Config config) {
        return build(config, K8sLeaderComponent.IDLE_SECONDS);
    }

    /** As {@link #build(Config)}, with how long an idle thread of the client lives (shorter in tests). */
    static KubernetesClient build(Config config, long idleSeconds) {
        ThreadPoolExecutor tasks = taskExecutor(idleSeconds);
        HttpClient.Factory http = HttpClientUtils.getHttpClientFactory();
        // the Vert.x classes are touched only when they are there: an application may have replaced the HTTP client
        OwnClientVertx vertx = VERTX_HTTP_CLIENT_FACTORY.equals(http.getClass().getName())
                ? new OwnClientVertx(idleSeconds) : null;
        Runnable close = () -> {
            tasks.shutdownNow();
            if (vertx != null) {
                vertx.close();
            }
        };
        try {
            return new KubernetesClientBuilder().withConfig(config)
                    .withHttpClientFactory(vertx != null ? vertx.httpClientFactory() : http)
                    .withTaskExecutorSupplier(new KubernetesClientBuilder.ExecutorSupplier() {
                        @Override
                        public Executor get() {
                            return tasks;
                        }

                        /** Called once the client has closed its HTTP client and informers. */
                        @Override
                        public void onClose(Executor executor) {
                            close.run();
                        }
                    })
                    .build();
        } catch (RuntimeException e) {
            close.run();
            throw e;
        }
    }

    private static ThreadPoolExecutor taskExecutor(long idleSeconds) {
        AtomicInteger count = new AtomicInteger();
        ThreadPoolExecutor tasks = new ThreadPoolExecutor(1, 1, idleSeconds, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), runnable -> {
                    Thread thread = new Thread(runnable, TASK_THREAD_PREFIX + count.incrementAndGet());
                    thread.setDaemon(true);
                    return thread;
                });
        tasks.allowCoreThreadTimeOut(true);
        return tasks;
    }
}
