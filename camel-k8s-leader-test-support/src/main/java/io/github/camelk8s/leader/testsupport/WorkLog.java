package io.github.camelk8s.leader.testsupport;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.apache.camel.Processor;

/**
 * Every exchange of leader-only work, of one pod or of many, on one monotonic ({@link System#nanoTime()}) timeline:
 * which pod did it, when it began and when it ended. Two pods whose work overlaps on this timeline ran leader-only
 * work at the same time.
 */
public final class WorkLog {

    /** One exchange of leader-only work by {@code pod}, from {@code begin} to {@code end}. */
    public record Work(String pod, long begin, long end) {
    }

    private final List<Work> entries = new ArrayList<>();

    /** Notes work by {@code pod} that took no time to speak of: it began and ended now. */
    public void record(String pod) {
        long now = System.nanoTime();
        record(new Work(pod, now, now));
    }

    public synchronized void record(Work work) {
        entries.add(work);
    }

    /**
     * A processor doing {@code pod}'s leader-only work: it takes {@code millis}, so that two pods working at once
     * would overlap visibly, and is noted here when it ends.
     */
    public Processor worker(String pod, long millis) {
        return exchange -> {
            long begin = System.nanoTime();
            if (millis > 0) {
                Thread.sleep(millis);
            }
            record(new Work(pod, begin, System.nanoTime()));
        };
    }

    /** The pod's work so far, in the order it was noted. */
    public synchronized List<Work> of(String pod) {
        return entries.stream().filter(w -> w.pod().equals(pod)).toList();
    }

    /** When the pod's first work after {@code since} began, or 0 if there is none yet. */
    public synchronized long firstAfter(String pod, long since) {
        for (Work w : entries) {
            if (w.pod().equals(pod) && w.begin() - since > 0) {
                return w.begin();
            }
        }
        return 0;
    }

    /** When the pod's last work so far began, or 0 if there is none. */
    public synchronized long last(String pod) {
        for (int i = entries.size() - 1; i >= 0; i--) {
            if (entries.get(i).pod().equals(pod)) {
                return entries.get(i).begin();
            }
        }
        return 0;
    }

    /** The runs of consecutive work per pod, e.g. "pod-a x12, then pod-b x8". */
    public synchronized String order() {
        StringBuilder out = new StringBuilder();
        String current = null;
        int count = 0;
        for (Work w : entries) {
            if (!w.pod().equals(current)) {
                if (current != null) {
                    out.append(current).append(" x").append(count).append(", then ");
                }
                current = w.pod();
                count = 0;
            }
            count++;
        }
        if (current != null) {
            out.append(current).append(" x").append(count);
        }
        return out.toString();
    }

    /** Whether a pod worked again after another pod had started working: two leaders at once. */
    public synchronized boolean interleaved() {
        Set<String> finished = new HashSet<>();
        String current = null;
        for (Work w : entries) {
            if (!w.pod().equals(current)) {
                if (finished.contains(w.pod())) {
                    return true;
                }
                if (current != null) {
                    finished.add(current);
                }
                current = w.pod();
            }
        }
        return false;
    }
}
