package io.github.camelk8s.leader.election;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Remembers every leadership event of one candidate: what it was, the record it carried, when it arrived
 * ({@link System#nanoTime()}, comparable with the elector's system-clock readings) and on which thread.
 */
final class RecordingListener implements LeadershipListener {

    enum Type {
        ELECTED,
        LOST,
        NEW_LEADER
    }

    record Event(Type type, LeaseRecord record, long nanos, String thread) {

        String holder() {
            return record == null ? "" : record.holderIdentity();
        }
    }

    private final List<Event> events = new CopyOnWriteArrayList<>();

    @Override
    public void elected(LeaseRecord record) {
        record(Type.ELECTED, record);
    }

    @Override
    public void lost(LeaseRecord lastKnown) {
        record(Type.LOST, lastKnown);
    }

    @Override
    public void newLeader(LeaseRecord record) {
        record(Type.NEW_LEADER, record);
    }

    private void record(Type type, LeaseRecord record) {
        events.add(new Event(type, record, System.nanoTime(), Thread.currentThread().getName()));
    }

    List<Event> events() {
        return List.copyOf(events);
    }

    List<Event> events(Type type) {
        return events.stream().filter(e -> e.type() == type).toList();
    }

    /** The ELECTED and LOST events only, in order: the terms of this candidate. */
    List<Type> terms() {
        return events.stream().map(Event::type).filter(t -> t != Type.NEW_LEADER).toList();
    }

    int count(Type type) {
        return events(type).size();
    }

    Optional<Event> first(Type type) {
        return events.stream().filter(e -> e.type() == type).findFirst();
    }

    Optional<Event> last(Type type) {
        List<Event> matching = events(type);
        return matching.isEmpty() ? Optional.empty() : Optional.of(matching.get(matching.size() - 1));
    }

    /** Whether a NEW_LEADER event named {@code holder}. */
    boolean sawNewLeader(String holder) {
        return events(Type.NEW_LEADER).stream().anyMatch(e -> e.holder().equals(holder));
    }
}
