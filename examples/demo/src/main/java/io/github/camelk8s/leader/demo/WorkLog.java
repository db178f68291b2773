package io.github.camelk8s.leader.demo;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** Every exchange of every pod's leader-only route, in the order they ran, on one monotonic timeline. */
final class WorkLog {

    private record Entry(String pod, long nanos) {
    }

    private final List<Entry> entries = new ArrayList<>();

    synchronized void record(String pod) {
        entries.add(new Entry(pod, System.nanoTime()));
    }

    /** When the pod's route first worked after {@code since}, or 0 if it has not. */
    synchronized long firstWorkAfter(String pod, long since) {
        for (Entry e : entries) {
            if (e.pod.equals(pod) && e.nanos - since > 0) {
                return e.nanos;
            }
        }
        return 0;
    }

    /** The runs of consecutive work per pod, e.g. "pod-a x12, then pod-b x8". */
    synchronized String order() {
        StringBuilder out = new StringBuilder();
        String current = null;
        int count = 0;
        for (Entry e : entries) {
            if (!e.pod.equals(current)) {
                if (current != null) {
                    out.append(current).append(" x").append(count).append(", then ");
                }
                current = e.pod;
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
    synchronized boolean interleaved() {
        Set<String> finished = new HashSet<>();
        String current = null;
        for (Entry e : entries) {
            if (!e.pod.equals(current)) {
                if (finished.contains(e.pod)) {
                    return true;
                }
                if (current != null) {
                    finished.add(current);
                }
                current = e.pod;
            }
        }
        return false;
    }
}
