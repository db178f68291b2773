package io.github.camelk8s.leader;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.fabric8.kubernetes.client.http.HttpClient;
import io.fabric8.kubernetes.client.vertx.VertxHttpClientFactory;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.file.FileSystemOptions;
import io.vertx.core.impl.VertxBuilder;
import io.vertx.core.spi.resolver.ResolverProvider;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Vert.x instance of the component's own client ({@link OwnKubernetesClient}), made as fabric8's Vert.x HTTP
 * client makes one for each client, but with one thread per pool instead of Vert.x's defaults (two event loops per
 * core, twenty worker and twenty internal blocking threads, each started when first needed and kept for good).
 * <p>
 * One event loop carries every connection of the client: it only moves bytes, the waiting is done by the electors'
 * API threads, and Vert.x serves thousands of connections on one loop. The internal blocking pool is used when a
 * connection opens (its TLS set-up) and the worker pool not by the client's requests at all (only by uploads from
 * a stream): their one thread each ends when idle, as the component's own pools' do, instead
 * of staying for the life of the instance. What stays is the event loop and the blocked-thread checker Vert.x gives
 * every instance; with fabric8's task thread, three threads for the whole client in steady state.
 * <p>
 * The pools are made by Vert.x's {@code ExecutorServiceFactory}, given through {@link VertxBuilder}: Vert.x 4 offers
 * no public way to let its pool threads end, and this builder is the one Vert.x itself and its embedders (Quarkus)
 * create instances with. Loaded only when fabric8's Vert.x 4 HTTP client is on the classpath; closed by the client,
 * after its connections.
 */
final class OwnClientVertx {

    private static final Logger LOG = LoggerFactory.getLogger(OwnClientVertx.class);

    /** How long closing the client waits for Vert.x to have stopped its threads. */
    private static final long CLOSE_SECONDS = 5;

    private final Vertx vertx;

    /** With how long a thread of the worker or internal blocking pool lives without a task. */
    OwnClientVertx(long idleSeconds) {
        this.vertx = create(idleSeconds);
    }

    /**
     * A pool of {@code size} threads made by Vert.x's factory (so that they are Vert.x threads, watched by its
     * checker), each started when a task finds the others busy and ended after {@code idleSeconds} without one.
     * Vert.x's own pools are the same but for the end: a fixed pool, whose threads stay once started.
     */
    private static ExecutorService idlingPool(ThreadFactory threads, int size, long idleSeconds) {
        ThreadPoolExecutor pool = new ThreadPoolExecutor(size, size, idleSeconds, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), threads);
        pool.allowCoreThreadTimeOut(true);
        return pool;
    }

    /**
     * As fabric8's Vert.x HTTP client does for its own instances: its asynchronous DNS resolver is off (resolving
     * through the JVM's, as every other Kubernetes client does), which Vert.x reads only while the instance is
     * created, from a system property; that is set for the moment and put back. No file caching or class path
     * resolving, which a Kubernetes client does not use. Daemon threads, so that the client never holds up the JVM's
     * exit.
     */
    private static synchronized Vertx create(long idleSeconds) {
        String dnsResolver = System.getProperty(ResolverProvider.DISABLE_DNS_RESOLVER_PROP_NAME);
        try {
            System.setProperty(ResolverProvider.DISABLE_DNS_RESOLVER_PROP_NAME, "true");
            VertxOptions options = new VertxOptions()
                    .setEventLoopPoolSize(1)
                    .setInternalBlockingPoolSize(1)
                    .setWorkerPoolSize(1)
                    .setUseDaemonThread(true)
                    .setFileSystemOptions(new FileSystemOptions().setFileCachingEnabled(false)
                            .setClassPathResolvingEnabled(false));
            return new VertxBuilder(options)
                    .executorServiceFactory((threads, concurrency, size) -> idlingPool(threads, size, idleSeconds))
                    .init().vertx();
        } finally {
            if (dnsResolver == null) {
                System.clearProperty(ResolverProvider.DISABLE_DNS_RESOLVER_PROP_NAME);
            } else {
                System.setProperty(ResolverProvider.DISABLE_DNS_RESOLVER_PROP_NAME, dnsResolver);
            }
        }
    }

    /** fabric8's Vert.x HTTP client on this instance; fabric8 leaves closing the instance to its owner, this. */
    HttpClient.Factory httpClientFactory() {
        return new VertxHttpClientFactory(vertx);
    }

    /**
     * Stops the instance's threads, and waits a little for that, so that the component has stopped them when its
     * stop returns. Never called on a thread of the instance: the client is closed by the component's stop.
     */
    void close() {
        try {
            vertx.close().toCompletionStage().toCompletableFuture().get(CLOSE_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            LOG.debug("The Vert.x instance of the component's Kubernetes client did not close in {}s: {}",
                    CLOSE_SECONDS, e.toString());
        }
    }
}
