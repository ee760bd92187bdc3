package org.elasticscrl.coordinator;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import org.elasticscrl.plan.ShardPlan;
import org.elasticscrl.protocol.BlobRef;
import org.elasticscrl.protocol.CoordinatorProtocol.ContributionReady;
import org.elasticscrl.protocol.CoordinatorProtocol.ShardAdded;
import org.elasticscrl.protocol.CoordinatorProtocol.ShardMeanCopied;
import org.elasticscrl.protocol.CoordinatorProtocol.ShardSealed;
import org.elasticscrl.protocol.StepMetrics;
import org.elasticscrl.protocol.WorkerProtocol;

/**
 * Sharded aggregation of the step in progress (cluster.aggregation = sharded), as the coordinator runs it: the shards
 * of the parameter space go to the step's active workers; each accepted contribution becomes an order to every owner
 * to add its slice; owners' reports go into the {@link ShardLedger}, and a contribution whose every slice is added
 * counts (its chunks done); once every chunk is in and every sum whole, each owner is told to publish its shard's mean,
 * a second owner to copy it, and the commit names both. No tensor passes through the coordinator.
 *
 * <p>What fails is decided here, as the ledger says: a contribution that no longer counts (an owner could not fetch or
 * refused its slice, its contributor left before every owner had it, it came from a lost owner) has its chunks leased
 * again — the sender's fault counted toward its quarantine when its slice was invalid; a lost owner's shards go whole
 * to a survivor, summed again from the contributions still served.
 */
final class ShardedSums {
    /** Shard bounds fall on multiples of this many elements (16 KiB in f32): whole cache lines, no tiny shards. */
    static final int GRANULE = 4096;

    private final StepRun step;
    private final Membership<WorkerLink> members;
    private final Leasing leasing;
    private final Roster roster;
    private final ShardLedger ledger;
    private final Map<Long, List<Integer>> chunksOf = new HashMap<>();
    private final Map<Long, StepMetrics> metricsOf = new HashMap<>();
    /** The seals asked for, by shard, generation and contributions: each asked once. */
    private final Set<String> sealsAsked = new HashSet<>();
    private boolean abandoned;

    /** Who may own a shard (never a worker whose sums stalled, not even a lost owner's), and by what bandwidth. */
    private final Owners who;
    /** Who could own a shard when these sums were planned (the owners, and any link too slow for a share). */
    private java.util.Collection<String> candidates = List.of();
    /** By owner: the contributors other than itself whose slices it failed to add in this step. */
    private final Map<String, Set<String>> failedInto = new HashMap<>();
    /** Orders sent so far (adds and seals): the owners' deadline runs from the last. */
    private int orders;

    private ShardedSums(StepRun step, ShardPlan plan, int firstGeneration, Membership<WorkerLink> members,
            Leasing leasing, Roster roster, Owners who) {
        this.step = step;
        this.who = who;
        this.members = members;
        this.leasing = leasing;
        this.roster = roster;
        this.ledger = new ShardLedger(step.step(), plan, firstGeneration);
    }

    /**
     * Who may own a shard — active (a draining worker leaves once the step commits, before every replica may have
     * fetched its mean), not quarantined (a worker whose contributions fail validation sums nothing for others either),
     * not {@code stalled} — and the bandwidth each owner's share is sized by: its link's measured rate ({@code links}),
     * or every link taken as equally fast ({@code links} null).
     */
    record Owners(java.util.function.Predicate<String> stalled, LinkSpeeds links) {
        /** The workers that may own a shard now, but {@code except}, with the bandwidth of each. */
        SortedMap<String, Double> eligible(Membership<WorkerLink> members, Leasing leasing, String except) {
            List<String> ids = members.withStatus(Membership.Status.ACTIVE).stream().map(w -> w.id)
                    .filter(id -> !id.equals(except) && !leasing.quarantine().quarantined(id) && !stalled.test(id))
                    .toList();
            if (links != null) {
                return links.shares(ids);
            }
            SortedMap<String, Double> out = new TreeMap<>();
            ids.forEach(id -> out.put(id, 1.0));
            return out;
        }
    }

    /**
     * The sums of {@code step}, whose contributions are {@code length} long, owned by the workers {@code who} says;
     * null when there is none.
     */
    static ShardedSums of(StepRun step, int length, int firstGeneration, Membership<WorkerLink> members,
            Leasing leasing, Roster roster, Owners who) {
        SortedMap<String, Double> owners = who.eligible(members, leasing, null);
        if (owners.isEmpty()) {
            step.shardCuts(List.of()); // summed by the coordinator: leases carry no cuts
            return null;
        }
        // a contribution too small to give each owner a granule (a test's toy model) is cut element by element
        int granule = length < owners.size() * GRANULE ? 1 : GRANULE;
        ShardedSums sums = new ShardedSums(step, ShardPlan.balanced(length, owners, granule), firstGeneration, members,
                leasing, roster, who);
        step.shardCuts(sums.cuts());
        sums.candidates = owners.keySet();
        return sums;
    }

    /** The cut points of the step's shards, for its leases. */
    List<Integer> cuts() {
        List<Integer> cuts = new ArrayList<>();
        ledger.plan().shards().forEach(s -> cuts.add(s.from()));
        cuts.add(ledger.plan().length());
        return cuts;
    }

    /** The owners and their bounds, e.g. {@code "worker-0 [0, 4096) worker-1 [4096, 8000)"}. */
    String describe() {
        StringBuilder b = new StringBuilder();
        ledger.plan().shards().forEach(s -> b.append(b.length() == 0 ? "" : " ").append(s.owner()).append(" [")
                .append(s.from()).append(", ").append(s.to()).append(')'));
        return b.toString();
    }

    /** The candidates' links as measured, e.g. {@code "; links measured: worker-0 9.8 Gb/s, worker-1 0.97 Gb/s"}, or "". */
    String measuredLinks() {
        if (who.links() == null) {
            return "";
        }
        List<String> known = new ArrayList<>();
        candidates.forEach(id -> {
            double rate = who.links().bytesPerSecond(id);
            if (rate > 0) {
                known.add(String.format(java.util.Locale.ROOT, "%s %.2g Gb/s", id, rate * 8 / 1e9));
            }
        });
        return known.isEmpty() ? "" : "; links measured: " + String.join(", ", known);
    }

    int shards() {
        return ledger.plan().shards().size();
    }

    /** An accepted contribution: its owners are told to add its slices (one without samples counts at once). */
    void accepted(ContributionReady m) {
        chunksOf.put(m.leaseId(), m.chunks());
        metricsOf.put(m.leaseId(), m.metrics());
        if (m.slices().isEmpty()) {
            step.add(m.leaseId(), null, m.metrics()); // every chunk unreadable: nothing to sum
            return;
        }
        send(ledger.accepted(m.leaseId(), m.workerId(), m.slices()));
    }

    /**
     * An owner's report of an add. Returns why the owner cannot sum — its failed adds show the fault is its own — or
     * null: the caller takes its shards away as from a stalled owner.
     */
    String added(ShardAdded m) {
        if (!ledger.current(m.shard(), m.generation()) || !owns(m.workerId(), m.shard())) {
            return null; // of a discarded sum, or not from the shard's owner
        }
        if (m.error().isEmpty()) {
            ledger.added(m.shard(), m.generation(), m.lease());
            if (ledger.addedEverywhere(m.lease()) && step.ledger().leases(ChunkLedger.State.RECEIVING)
                    .contains(m.lease())) {
                step.add(m.lease(), null, metricsOf.get(m.lease()));
            }
            return null;
        }
        Set<Long> before = ledger.included();
        send(ledger.failed(m.shard(), m.generation(), m.lease(), m.spoilt()));
        if (before.contains(m.lease()) && !ledger.included().contains(m.lease())) {
            String worker = step.workerOf(m.lease());
            step.drop(m.lease());
            if (m.invalid()) {
                leasing.invalid(step, worker, m.lease(), "shard " + m.shard() + ": " + m.error(), roster);
            } else {
                roster.event(worker, "transfer-failed", "shard " + m.shard() + " (owner " + m.workerId() + "): "
                        + m.error());
                leasing.release(step, m.lease());
            }
        }
        return m.invalid() ? null : ownFault(m.workerId(), step.workerOf(m.lease()), m.error());
    }

    /**
     * Whether {@code owner}'s failed add of {@code contributor}'s slice, with what failed before, shows the fault is the
     * owner's: its own slice is local, and slices of two other contributors still members failed here. Without this an
     * owner that cannot add (its state or its network broken) has every contribution leased again and again, the step
     * never decided.
     */
    private String ownFault(String owner, String contributor, String error) {
        if (owner.equals(contributor)) {
            return "its add of its own contribution failed (" + error + ")";
        }
        Set<String> from = failedInto.computeIfAbsent(owner, k -> new java.util.TreeSet<>());
        from.add(contributor);
        from.removeIf(c -> members.get(c).isEmpty()); // a contributor gone: the fault was likely its own
        return from.size() < 2 ? null : "its adds of the contributions of " + from + " failed (" + error + ")";
    }

    /**
     * Worker {@code id} is gone: its shards go to survivors, its contributions that no longer count are leased again.
     * False when no worker is left to own its shards: the step's sums cannot go on (the caller starts them afresh).
     */
    boolean left(String id) {
        if (abandoned) {
            return true; // nothing of these sums counts any more
        }
        SortedMap<String, Double> survivors = who.eligible(members, leasing, id);
        boolean owner = owns(id);
        if (owner && survivors.isEmpty()) {
            return false;
        }
        Set<Long> before = ledger.included();
        if (owner) {
            roster.event(id, "shards-moved", "its shards of step " + step.step() + " are summed again by "
                    + survivors.keySet());
            send(ledger.ownerLost(id, survivors));
        }
        copy(ledger.holderLost(id));
        for (long lease : before) {
            if (step.workerOf(lease).equals(id)) {
                send(ledger.contributorLost(lease));
            }
        }
        dropNoLongerCounted(before);
        return true;
    }

    /**
     * These sums cannot go on (no owner left): every chunk of the step not done is leased again — a contribution to
     * these shards no longer counts, and a lease given for them is answered in vain — and the caller starts new sums.
     */
    void abandon() {
        abandoned = true;
        ledger.included().forEach(step::drop);
        for (var state : List.of(ChunkLedger.State.LEASED, ChunkLedger.State.RECEIVING)) {
            step.ledger().leases(state).forEach(lease -> leasing.release(step, lease));
        }
    }

    boolean abandoned() {
        return abandoned;
    }

    /** The generation above every one of these sums, for sums of the same step that replace them. */
    int nextGeneration() {
        return ledger.topGeneration() + 1;
    }

    /** Orders sent so far. */
    int orders() {
        return orders;
    }

    /** Whether {@code worker} owns a shard of this step. */
    boolean owns(String worker) {
        return ledger.plan().shards().stream().anyMatch(s -> s.owner().equals(worker));
    }

    private void dropNoLongerCounted(Set<Long> before) {
        for (long lease : before) {
            if (!ledger.included().contains(lease)) {
                step.drop(lease);
                leasing.release(step, lease);
            }
        }
    }

    /** The owners that still owe an add or (once summed) a mean they were asked for. */
    Set<String> owing() {
        return ledger.owing();
    }

    /** Whether every sum is whole: once every chunk is in too, the shards may be sealed. */
    boolean summed() {
        return ledger.summed();
    }

    /** Asks each owner whose shard is not sealed yet to publish its mean ({@code scale} = 1 / samples). */
    void seal(float scale) {
        for (ShardLedger.Seal s : ledger.seals()) {
            if (sealsAsked.add(s.shard() + "/" + s.generation() + "/" + s.leases())) {
                orders++;
                members.get(s.owner()).ifPresent(w -> w.ref.tell(new WorkerProtocol.SealShard(step.step(), s.shard(),
                        s.generation(), List.copyOf(s.leases()), scale)));
            }
        }
    }

    /** An owner's seal; the step's update once every shard is sealed and its mean copied (else null). */
    ShardLedger.Update sealed(ShardSealed m) {
        if (!ledger.current(m.shard(), m.generation()) || !owns(m.workerId(), m.shard())) {
            return null;
        }
        if (!m.error().isEmpty() || m.mean() == null) {
            // it acknowledged adds it cannot publish: its sums are not to be trusted; summed again elsewhere
            roster.event(m.workerId(), "seal-failed", "shard " + m.shard() + " of step " + step.step() + ": " + m.error());
            if (!left(m.workerId())) {
                abandon();
            }
            return null;
        }
        ShardLedger.Copy copy = ledger.sealed(m.shard(), m.generation(), new HashSet<>(m.leases()), m.mean());
        copy(copy == null ? List.of() : List.of(copy));
        return ledger.update();
    }

    /** A backup holder's answer; the step's update once every shard is sealed and its mean copied (else null). */
    ShardLedger.Update copied(ShardMeanCopied m) {
        if (m.error().isEmpty() && m.copy() != null) {
            ledger.copied(m.shard(), m.generation(), m.workerId(), m.copy());
        } else {
            ShardLedger.Copy next = ledger.copyFailed(m.shard(), m.generation(), m.workerId());
            roster.event(m.workerId(), "backup-failed", "the mean of shard " + m.shard() + " of step " + step.step()
                    + ": " + m.error() + (next == null ? "; committed with its owner's copy only" : "; kept by "
                    + next.holder() + " instead"));
            copy(next == null ? List.of() : List.of(next));
        }
        return ledger.update();
    }

    private void copy(List<ShardLedger.Copy> copies) {
        orders += copies.size();
        for (ShardLedger.Copy c : copies) {
            members.get(c.holder()).ifPresent(w -> w.ref.tell(new WorkerProtocol.CopyShardMean(step.step(), c.shard(),
                    c.generation(), c.mean())));
        }
    }

    private boolean owns(String worker, int shard) {
        return ledger.plan().shards().get(shard).owner().equals(worker);
    }

    private void send(List<ShardLedger.Add> adds) {
        orders += adds.size();
        for (ShardLedger.Add a : adds) {
            ShardPlan.Shard s = ledger.plan().shards().get(a.shard());
            members.get(a.owner()).ifPresent(w -> w.ref.tell(new WorkerProtocol.AddToShard(step.step(), a.shard(),
                    a.generation(), s.size(), a.lease(), a.slice(), chunksOf.get(a.lease()))));
        }
    }
}
