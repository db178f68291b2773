package io.github.camelk8s.leader;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.fabric8.kubernetes.client.http.HttpClient;
import io.fabric8.kubernetes.client.vertx.VertxHttpClientFactory;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.file.FileSystemOptions;
import io.vertx.core.spi.resolver.ResolverProvider;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Vert.x instance of the component's own client ({@link OwnKubernetesClient}), made as fabric8's Vert.x HTTP
 * client makes one for each client, but with one thread per pool instead of Vert.x's defaults (two event loops per
 * core, twenty worker and twenty internal blocking threads, each started when first needed).
 * <p>
 * One event loop carries every connection of the client: it only moves bytes, the waiting is done by the electors'
 * API threads, and Vert.x serves thousands of connections on one loop. The internal blocking pool builds a
 * connection's TLS context when it opens; the worker pool is not used by the client's requests (only by uploads
 * from a stream). Vert.x adds a blocked-thread checker thread to every instance, this one included: with the event
 * loop and the internal blocking thread, three threads, and fabric8's task thread makes four for the whole client.
 * <p>
 * Loaded only when fabric8's Vert.x HTTP client is on the classpath; closed by the client, after its connections.
 */
final class OwnClientVertx {

    private static final Logger LOG = LoggerFactory.getLogger(OwnClientVertx.class);

    /** How long closing the client waits for Vert.x to have stopped its threads. */
    private static final long CLOSE_SECONDS = 5;

    private final Vertx vertx;

    OwnClientVertx() {
        this.vertx = create();
    }

    /**
     * As fabric8's Vert.x HTTP client does for its own instances: its asynchronous DNS resolver is off (resolving
     * through the JVM's, as every other Kubernetes client does), which Vert.x reads only while the instance is
     * created, from a system property; that is set for the moment and put back. No file caching or class path
     * resolving, which a Kubernetes client does not use. Daemon threads, so that the client never holds up the JVM's
     * exit.
     */
    private static synchronized Vertx create() {
        String dnsResolver = System.getProperty(ResolverProvider.DISABLE_DNS_RESOLVER_PROP_NAME);
        try {
            System.setProperty(ResolverProvider.DISABLE_DNS_RESOLVER_PROP_NAME, "true");
            return Vertx.vertx(new VertxOptions()
                    .setEventLoopPoolSize(1)
                    .setInternalBlockingPoolSize(1)
                    .setWorkerPoolSize(1)
                    .setUseDaemonThread(true)
                    .setFileSystemOptions(new FileSystemOptions().setFileCachingEnabled(false)
                            .setClassPathResolvingEnabled(false)));
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
