package io.github.camelk8s.leader.policy;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

import io.github.camelk8s.leader.pods.Pods;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** {@link SerialHandOff}: one owner's tasks in order, one at a time, on a pool other owners share. */
class SerialHandOffTest {

    private final ExecutorService pool = Executors.newCachedThreadPool();

    @AfterEach
    void shutDown() {
        pool.shutdownNow();
    }

    @Test
    void tasksRunOneAtATimeInTheOrderTheyWereHandedOver() {
        SerialHandOff handOff = new SerialHandOff(pool);
        List<Integer> ran = new CopyOnWriteArrayList<>();
        AtomicInteger running = new AtomicInteger();
        AtomicInteger mostAtOnce = new AtomicInteger();

        for (int i = 0; i < 200; i++) {
            int task = i;
            handOff.handOver(() -> {
                mostAtOnce.accumulateAndGet(running.incrementAndGet(), Math::max);
                ran.add(task);
                running.decrementAndGet();
            });
        }

        await().atMost(Pods.PATIENCE).until(() -> ran.size() == 200);
        assertThat(ran).containsExactlyElementsOf(IntStream.range(0, 200).boxed().toList());
        assertThat(mostAtOnce).hasValue(1);
    }

    @Test
    void slowTaskHoldsUpOnlyTheTasksHandedOverAfterItToTheSameHandOff() throws InterruptedException {
        SerialHandOff slow = new SerialHandOff(pool);
        SerialHandOff other = new SerialHandOff(pool);
        CountDownLatch endOfTest = new CountDownLatch(1);
        List<String> ran = new CopyOnWriteArrayList<>();
        slow.handOver(() -> {
            try {
                endOfTest.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        slow.handOver(() -> ran.add("behind the slow one"));

        other.handOver(() -> ran.add("another owner's"));

        await().atMost(Pods.PATIENCE).until(() -> ran.contains("another owner's"));
        assertThat(ran).containsExactly("another owner's");
        endOfTest.countDown();
        await().atMost(Pods.PATIENCE).until(() -> ran.contains("behind the slow one"));
    }

    @Test
    void handOverToAPoolThatIsShutDownIsRefused() {
        pool.shutdown();

        assertThat(new SerialHandOff(pool).handOver(() -> {
        })).isFalse();
    }
}
