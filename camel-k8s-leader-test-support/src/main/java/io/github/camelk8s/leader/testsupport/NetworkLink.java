package io.github.camelk8s.leader.testsupport;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * One candidate's network: a TCP proxy between its client and the API server that can make that candidate's
 * traffic slow, stall it or cut it while every other candidate's is fine. It works below HTTP, so it affects
 * requests and watches alike, as a real network does:
 * <ul>
 * <li>{@link #latency}: every byte arrives late, in both directions (half the round trip each way), so a write
 * reaches the server late and its answer comes back late;</li>
 * <li>{@link #partition}: nothing gets through in either direction; connections stay open, requests hang until the
 * client gives up, and what was held is delivered when the partition heals (a late packet);</li>
 * <li>{@link #refuse}: every connection is reset and new ones are closed at once (the API server's address is
 * unreachable and says so);</li>
 * <li>{@link #stallWatch}: only watch connections are held, so the client believes it is watching and sees no
 * events;</li>
 * <li>{@link #dropWatch}: watch connections are closed and new ones closed as they are made, so the watch cannot be
 * re-established.</li>
 * </ul>
 * {@link #heal()} lifts all of them; bytes held by a partition or a stall are then delivered in order.
 */
public final class NetworkLink implements AutoCloseable {

    private static final byte[] WATCH_MARK = "watch=true".getBytes(StandardCharsets.US_ASCII);

    private final String name;
    private final int upstreamPort;
    private final ServerSocket listener;
    private final Set<Connection> connections = ConcurrentHashMap.newKeySet();
    /** Guards the queues of all connections; writers wait on it for bytes, for their due time or for a heal. */
    private final Object lock = new Object();
    private volatile long oneWayLatencyNanos;
    private volatile boolean partitioned;
    private volatile boolean refusing;
    private volatile boolean watchStalled;
    private volatile boolean watchDropped;
    private volatile boolean closed;

    public NetworkLink(String name, int upstreamPort) {
        this.name = name;
        this.upstreamPort = upstreamPort;
        try {
            listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        } catch (IOException e) {
            throw new IllegalStateException("Cannot open the network link of " + name, e);
        }
        daemon("link-" + name + "-accept", this::acceptLoop).start();
    }

    /** The URL a client uses to reach the API server through this link. */
    public String url() {
        return "http://127.0.0.1:" + listener.getLocalPort() + "/";
    }

    /** Adds {@code roundTrip} to every request: half on the way to the server, half on the way back. */
    public void latency(Duration roundTrip) {
        oneWayLatencyNanos = roundTrip.toNanos() / 2;
        changed();
    }

    public void partition(boolean on) {
        partitioned = on;
        changed();
    }

    public void refuse(boolean on) {
        refusing = on;
        if (on) {
            connections.forEach(Connection::close);
        }
        changed();
    }

    public void stallWatch(boolean on) {
        watchStalled = on;
        changed();
    }

    public void dropWatch(boolean on) {
        watchDropped = on;
        if (on) {
            connections.stream().filter(c -> c.watch).forEach(Connection::close);
        }
        changed();
    }

    /** Lifts every fault; held bytes are delivered now, in order. */
    public void heal() {
        oneWayLatencyNanos = 0;
        partitioned = false;
        refusing = false;
        watchStalled = false;
        watchDropped = false;
        changed();
    }

    @Override
    public void close() {
        closed = true;
        try {
            listener.close();
        } catch (IOException e) {
            // closing anyway
        }
        connections.forEach(Connection::close);
        changed();
    }

    private void changed() {
        synchronized (lock) {
            lock.notifyAll();
        }
    }

    private void acceptLoop() {
        while (!closed) {
            Socket client;
            try {
                client = listener.accept();
            } catch (IOException e) {
                return;
            }
            if (refusing) {
                closeQuietly(client);
                continue;
            }
            Socket upstream = new Socket();
            try {
                client.setTcpNoDelay(true);
                upstream.setTcpNoDelay(true);
                upstream.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), upstreamPort), 1000);
            } catch (IOException e) {
                // the API server is down: the client sees its connection closed
                closeQuietly(upstream);
                closeQuietly(client);
                continue;
            }
            Connection connection = new Connection(client, upstream);
            connections.add(connection);
            connection.start();
        }
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            // nothing to do
        }
    }

    private static Thread daemon(String name, Runnable task) {
        Thread thread = new Thread(task, name);
        thread.setDaemon(true);
        return thread;
    }

    private static boolean contains(byte[] data, int length, byte[] mark) {
        outer:
        for (int i = 0; i + mark.length <= length; i++) {
            for (int j = 0; j < mark.length; j++) {
                if (data[i + j] != mark[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }

    /** Bytes read at one moment, or the end of the stream ({@code data == null}). */
    private record Chunk(byte[] data, long readAt) {
    }

    private final class Connection {
        final Socket client;
        final Socket upstream;
        final Pipe toServer;
        final Pipe toClient;
        volatile boolean watch;
        volatile boolean dead;
        private int ended;

        Connection(Socket client, Socket upstream) {
            this.client = client;
            this.upstream = upstream;
            this.toServer = new Pipe(this, client, upstream, true);
            this.toClient = new Pipe(this, upstream, client, false);
        }

        void start() {
            toServer.start("up");
            toClient.start("down");
        }

        boolean held() {
            return partitioned || watch && watchStalled;
        }

        /** One direction delivered its end of stream; when both have, the connection is over. */
        synchronized void ended() {
            if (++ended == 2) {
                close();
            }
        }

        void close() {
            dead = true;
            closeQuietly(client);
            closeQuietly(upstream);
            connections.remove(this);
            changed();
        }
    }

    /** One direction of a connection: a reader that queues what arrives and a writer that delivers it when due. */
    private final class Pipe {
        final Connection connection;
        final Socket from;
        final Socket to;
        final boolean towardsServer;
        final Deque<Chunk> queue = new ArrayDeque<>();

        Pipe(Connection connection, Socket from, Socket to, boolean towardsServer) {
            this.connection = connection;
            this.from = from;
            this.to = to;
            this.towardsServer = towardsServer;
        }

        void start(String direction) {
            daemon("link-" + name + "-" + direction + "-read", this::read).start();
            daemon("link-" + name + "-" + direction + "-write", this::write).start();
        }

        private void read() {
            byte[] buffer = new byte[16 * 1024];
            try {
                // not closed here: closing a socket's stream closes the socket, and the other direction may still
                // be delivering; the connection closes both sockets once both directions have ended
                InputStream in = from.getInputStream();
                int n;
                while ((n = in.read(buffer)) >= 0) {
                    if (towardsServer && !connection.watch && contains(buffer, n, WATCH_MARK)) {
                        connection.watch = true;
                        if (watchDropped) {
                            connection.close();
                            return;
                        }
                    }
                    enqueue(new Chunk(Arrays.copyOf(buffer, n), System.nanoTime()));
                }
            } catch (IOException e) {
                // reset or closed: deliver what was read, then end the other side too
            }
            enqueue(new Chunk(null, System.nanoTime()));
        }

        private void enqueue(Chunk chunk) {
            synchronized (lock) {
                queue.add(chunk);
                lock.notifyAll();
            }
        }

        private void write() {
            try {
                OutputStream out = to.getOutputStream();
                while (true) {
                    Chunk chunk = next();
                    if (chunk == null || chunk.data() == null) {
                        break;
                    }
                    out.write(chunk.data());
                    out.flush();
                }
                if (!connection.dead) {
                    to.shutdownOutput();
                }
                connection.ended();
            } catch (IOException e) {
                connection.close();
            }
        }

        /** The next chunk once it is due and not held, or null once the connection is dead. */
        private Chunk next() {
            synchronized (lock) {
                try {
                    while (!connection.dead && !closed) {
                        Chunk head = queue.peek();
                        if (head == null || connection.held()) {
                            lock.wait();
                            continue;
                        }
                        long wait = head.readAt() + oneWayLatencyNanos - System.nanoTime();
                        if (wait > 0) {
                            TimeUnit.NANOSECONDS.timedWait(lock, wait);
                            continue;
                        }
                        return queue.poll();
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return null;
            }
        }
    }

    @Override
    public String toString() {
        return "NetworkLink[" + name + " -> " + upstreamPort + "]";
    }
}
