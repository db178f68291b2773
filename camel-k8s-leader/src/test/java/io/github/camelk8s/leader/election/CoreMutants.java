package io.github.camelk8s.leader.election;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Deliberately broken cores, each breaking one rule of {@link ElectionCore}: the simulator must catch every one
 * ({@link MutantsTest}). One that survives shows a fault the simulator does not inject or an invariant it does not
 * check.
 */
enum CoreMutants {

    /** Validity counted from the answer instead of the send: the server may have applied the write long before. */
    VALIDITY_FROM_RESPONSE(config -> new ElectionCore(config) {
        @Override
        long validityEnd(long sent, long answered) {
            return answered + renewDeadlineNanos;
        }
    }),

    /** A follower trusts the holder's renewTime on its own wall clock: skewed clocks make it take over early. */
    TRUSTS_REMOTE_RENEW_TIME(config -> new ElectionCore(config) {
        @Override
        long expiresAt(LeaseRecord record, long unchangedSince, long nanos, Instant wall) {
            Instant renewed = record.renewTime() != null ? record.renewTime() : wall;
            return nanos + Duration.between(wall, renewed.plusNanos(holderDuration(record))).toNanos();
        }
    }),

    /** Expiry timed from the first sight of the holder, not from the last change of the record: renewals ignored. */
    EXPIRY_FROM_FIRST_SIGHT(config -> new ElectionCore(config) {
        @Override
        boolean restartsExpiry(LeaseRecord before, LeaseRecord after) {
            return !before.holderIdentity().equals(after.holderIdentity());
        }
    }),

    /** ELECTED told as the acquiring write is sent, before its answer. */
    ELECTED_BEFORE_RESPONSE(ElectedBeforeResponse::new),

    /** No DEADLINE timer: a leader that cannot renew is told LOST only when it hears of another holder. */
    NO_DEADLINE_TIMER(config -> new ElectionCore(config) {
        @Override
        List<ElectionAction> on(ElectionInput input, long nanos, Instant wall) {
            List<ElectionAction> actions = new ArrayList<>(super.on(input, nanos, wall));
            actions.removeIf(a -> a instanceof ElectionAction.Arm arm && arm.timer() == ElectionTimer.DEADLINE);
            return actions;
        }
    }),

    /** Updates without a resourceVersion: unconditional, the last writer wins. */
    WRITE_WITHOUT_RESOURCE_VERSION(config -> new ElectionCore(config) {
        @Override
        List<ElectionAction> on(ElectionInput input, long nanos, Instant wall) {
            return super.on(input, nanos, wall).stream().map(a -> a instanceof ElectionAction.Send s
                    && s.request() instanceof LeaseRequest.Update u ? new ElectionAction.Send(new LeaseRequest.Update(
                    u.record(), new LeaseSnapshot(u.base().record(), null, null))) : a).toList();
        }
    }),

    /** The holder's leaseDurationSeconds ignored: expiry timed with the follower's own leaseDuration. */
    IGNORES_HOLDER_DURATION(config -> new ElectionCore(config) {
        @Override
        long holderDuration(LeaseRecord record) {
            return leaseDurationNanos;
        }
    }),

    /** A released Lease treated like a held one: taken only once its leaseDurationSeconds (1) has passed. */
    RELEASED_LEASE_NOT_TAKEN_AT_ONCE(config -> new ElectionCore(config) {
        @Override
        boolean isFree(LeaseRecord record) {
            return false;
        }
    }),

    /** The fencing check without the clock: a leader paused past its validity still lets steps begin. */
    PAUSED_LEADER_STEPS_NOT_REFUSED(config -> new ElectionCore(config) {
        @Override
        boolean mayLead(long nanos) {
            return phase == Phase.LEADER;
        }
    }),

    /**
     * Steps let begin but not counted: a stopping or yielding leader releases while they still run. (Breaking only
     * {@code drained()} is not enough: the release also checks the count, for the drain timeout's sake.)
     */
    RELEASE_BEFORE_STEPS_END(config -> new ElectionCore(config) {
        @Override
        FencingToken tryBeginStep(long nanos, FencingToken pinned) {
            return mayLead(nanos) ? term() : null;
        }
    }),

    /**
     * Its own expired record taken back in the old count, as client-go does: two terms would share a fencing token
     * (the renumbering of {@link ElectionCore#continuesLostTerm} then never ends, so liveness catches it first).
     */
    OWN_RECORD_RETAKEN_IN_ITS_TERM(config -> new ElectionCore(config) {
        @Override
        int transitionsAfter(LeaseRecord replaced) {
            return replaced.isHeldBy(me) ? replaced.leaseTransitions() : replaced.leaseTransitions() + 1;
        }
    }),

    /** A renewal answered after LOST elects again in the lost term: two terms share a fencing token. */
    RENEWAL_AFTER_LOST_ELECTS(config -> new ElectionCore(config) {
        @Override
        boolean continuesLostTerm(LeaseSnapshot written) {
            return false;
        }
    }),

    /** GET and write answers ordered by resourceVersion like watch events: after an etcd restore nothing is news. */
    ANSWERS_ORDERED_BY_RESOURCE_VERSION(config -> new ElectionCore(config) {
        @Override
        boolean accepts(LeaseSnapshot lease, boolean authoritative) {
            return super.accepts(lease, false);
        }
    });

    private final Function<LeaderElectionConfig, ElectionCore> cores;

    CoreMutants(Function<LeaderElectionConfig, ElectionCore> cores) {
        this.cores = cores;
    }

    ElectionCore core(LeaderElectionConfig config) {
        return cores.apply(config);
    }

    /** Tells ELECTED with the acquiring write and drops the ELECTED its answer brings. */
    private static final class ElectedBeforeResponse extends ElectionCore {
        private boolean toldEarly;

        ElectedBeforeResponse(LeaderElectionConfig config) {
            super(config);
        }

        @Override
        List<ElectionAction> on(ElectionInput input, long nanos, Instant wall) {
            List<ElectionAction> actions = new ArrayList<>();
            for (ElectionAction action : super.on(input, nanos, wall)) {
                if (action instanceof ElectionAction.Elected && toldEarly) {
                    toldEarly = false;
                    continue;
                }
                actions.add(action);
                LeaseRecord written = written(action);
                if (phase == Phase.FOLLOWER && !toldEarly && written != null && written.isHeldBy(me)) {
                    toldEarly = true;
                    actions.add(new ElectionAction.Elected(written));
                }
            }
            return actions;
        }

        private static LeaseRecord written(ElectionAction action) {
            if (action instanceof ElectionAction.Send s) {
                if (s.request() instanceof LeaseRequest.Create c) {
                    return c.record();
                }
                if (s.request() instanceof LeaseRequest.Update u) {
                    return u.record();
                }
            }
            return null;
        }
    }
}
