package org.elasticscrl.coordinator;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeSet;
import org.elasticscrl.plan.ShardPlan;
import org.elasticscrl.protocol.BlobRef;

/**
 * One step's sharded sums as the coordinator keeps them: which accepted contribution each shard's owner has added,
 * and when every shard's sum is whole and sealed. A pure object: it answers with the orders to send.
 *
 * <p>All or nothing, per contribution: a contribution counts in the step only when every shard has added it. Each
 * shard's sum has a generation; a sum that may hold a contribution that no longer counts is discarded — a new
 * generation, into which the owner adds every contribution that still counts, fetched again from its contributor
 * (contributors serve their slices until the commit). Reports of an older generation count for nothing. So a
 * contribution is never counted twice or in part, whatever fails when.
 *
 * <p>What discards sums: a contribution dropped (its transfer to some owner failed, its payload was invalid, or its
 * contributor was lost before every owner had it) discards every shard sum that may hold it; an owner lost discards
 * its shards, which go whole to survivors ({@link ShardPlan#without}) — and if that owner also contributed, its
 * slices of its own shards went with it, so its contribution is dropped too.
 *
 * <p>A sealed mean is kept twice before the step may commit: its owner serves it, and a second owner (the next one
 * in shard order) copies it and serves the copy, so a step survives losing any one worker after its commit, before
 * every replica fetched its means. A backup holder that cannot copy or is lost is replaced by the next one; a shard
 * with no other owner left (a single worker) commits with its mean only.
 */
final class ShardLedger {
    /** Owner {@code owner}: add {@code lease}'s slice ({@code slice}) into generation {@code generation} of shard {@code shard}. */
    record Add(String owner, int shard, int generation, long lease, BlobRef slice) {}

    /** Owner {@code owner}: publish shard {@code shard}'s sum of {@code leases}, scaled, as generation {@code generation}. */
    record Seal(String owner, int shard, int generation, Set<Long> leases) {}

    /** Holder {@code holder}: copy shard {@code shard}'s sealed mean of generation {@code generation}, at {@code mean}. */
    record Copy(String holder, int shard, int generation, BlobRef mean) {}

    /** A step's update: each shard's mean, and a second copy of each (the mean itself when no other owner is left). */
    record Update(List<BlobRef> means, List<BlobRef> backups) {
        /** No shard's mean: a step without a sample, or one summed by the coordinator. */
        static final Update NONE = new Update(List.of(), List.of());
    }

    private final long step;
    private ShardPlan plan;
    /** Accepted contributions that still count: each shard's slice, by lease. */
    private final Map<Long, List<BlobRef>> accepted = new LinkedHashMap<>();
    private final Map<Long, String> contributor = new LinkedHashMap<>();
    private final int[] generation;
    private final List<Set<Long>> added = new ArrayList<>();
    /** Each shard's sealed sum of its current generation, or null. */
    private final BlobRef[] sealed;
    /** Each sealed mean's backup: who was asked to copy it (null: nobody left to ask), and the copy once made. */
    private final String[] holder;
    private final BlobRef[] backup;
    /** Holders that could not copy a shard's current mean, or were lost: not asked again for it. */
    private final List<Set<String>> passedOver = new ArrayList<>();

    ShardLedger(long step, ShardPlan plan) {
        this(step, plan, 0);
    }

    /**
     * {@code firstGeneration}: above every generation of earlier sums of the same step (abandoned ones), so that an
     * owner's sum of those is never taken for one of these.
     */
    ShardLedger(long step, ShardPlan plan, int firstGeneration) {
        this.step = step;
        this.plan = plan;
        int n = plan.shards().size();
        this.generation = new int[n];
        java.util.Arrays.fill(generation, firstGeneration);
        this.sealed = new BlobRef[n];
        this.holder = new String[n];
        this.backup = new BlobRef[n];
        for (int i = 0; i < n; i++) {
            added.add(new HashSet<>());
            passedOver.add(new HashSet<>());
        }
    }

    long step() {
        return step;
    }

    ShardPlan plan() {
        return plan;
    }

    /**
     * Contribution {@code lease} of {@code worker} accepted with one slice per shard: the adds to order.
     *
     * @throws IllegalArgumentException when the slices do not match the plan's shards (the contributor's fault)
     */
    List<Add> accepted(long lease, String worker, List<BlobRef> slices) {
        if (slices.size() != plan.shards().size()) {
            throw new IllegalArgumentException("a contribution to step " + step + " has " + slices.size()
                    + " slices, the step has " + plan.shards().size() + " shards");
        }
        accepted.put(lease, List.copyOf(slices));
        contributor.put(lease, worker);
        for (int shard = 0; shard < sealed.length; shard++) {
            unseal(shard); // a seal without this lease is not the step's sum
        }
        List<Add> out = new ArrayList<>();
        for (ShardPlan.Shard s : plan.shards()) {
            out.add(new Add(s.owner(), s.index(), generation[s.index()], lease, slices.get(s.index())));
        }
        return out;
    }

    /** The owner of {@code shard} added {@code lease} into {@code generation}; ignored when either no longer counts. */
    void added(int shard, int generation, long lease) {
        if (generation == this.generation[shard] && accepted.containsKey(lease)) {
            added.get(shard).add(lease);
        }
    }

    /** Whether a report of {@code generation} for {@code shard} is of its current sum. */
    boolean current(int shard, int generation) {
        return shard >= 0 && shard < this.generation.length && generation == this.generation[shard];
    }

    /**
     * Adding {@code lease} into {@code generation} of {@code shard} failed; {@code spoilt}: the failure may have left
     * part of it in the sum. The contribution no longer counts (the caller releases its chunks): every sum that may
     * hold it is discarded. A stale report changes nothing and returns no order.
     */
    List<Add> failed(int shard, int generation, long lease, boolean spoilt) {
        if (!current(shard, generation) || !accepted.containsKey(lease)) {
            return List.of();
        }
        return drop(lease, spoilt ? -1 : shard);
    }

    /**
     * The contributor of {@code lease} is lost. Its contribution still counts when every shard has added it; else it
     * is dropped (the caller releases its chunks) and every sum that may hold it discarded. Returns the adds to order.
     */
    List<Add> contributorLost(long lease) {
        if (!accepted.containsKey(lease) || addedEverywhere(lease)) {
            return List.of();
        }
        return drop(lease, -1);
    }

    /** Whether every shard's current sum holds {@code lease}. */
    boolean addedEverywhere(long lease) {
        return added.stream().allMatch(a -> a.contains(lease));
    }

    /**
     * Owner {@code owner} is lost: its shards go whole to {@code survivors} (bandwidth by id) and are summed again
     * there; a contribution of its own is dropped (its slices of its own shards went with it). Returns the adds.
     */
    List<Add> ownerLost(String owner, SortedMap<String, Double> survivors) {
        List<Integer> lost = plan.shards().stream().filter(s -> s.owner().equals(owner)).map(ShardPlan.Shard::index)
                .toList();
        if (lost.isEmpty()) {
            return List.of();
        }
        plan = plan.without(owner, survivors);
        List<Add> out = new ArrayList<>();
        boolean dropped = false;
        for (long lease : List.copyOf(accepted.keySet())) {
            if (contributor.get(lease).equals(owner)) {
                out.addAll(drop(lease, -1)); // every shard, the lost ones among them, summed again
                dropped = true;
            }
        }
        if (!dropped) {
            lost.forEach(shard -> out.addAll(restart(shard)));
        }
        return out;
    }

    /**
     * {@code lease} no longer counts: every shard's sum that may hold it is discarded — all but {@code keep}, a shard
     * whose add of it failed before adding anything (-1: none).
     */
    private List<Add> drop(long lease, int keep) {
        accepted.remove(lease);
        contributor.remove(lease);
        List<Add> out = new ArrayList<>();
        for (int shard = 0; shard < generation.length; shard++) {
            if (shard != keep || added.get(shard).contains(lease)) { // a shard that reported both: not to be trusted
                out.addAll(restart(shard));
            }
        }
        return out;
    }

    /** Discards {@code shard}'s sum: a new generation, into which every contribution that counts is added again. */
    private List<Add> restart(int shard) {
        generation[shard]++;
        added.get(shard).clear();
        unseal(shard);
        passedOver.get(shard).clear();
        String owner = plan.shards().get(shard).owner();
        List<Add> out = new ArrayList<>();
        accepted.forEach((lease, slices) -> out.add(new Add(owner, shard, generation[shard], lease, slices.get(shard))));
        return out;
    }

    /** The highest generation of any shard's sum. */
    int topGeneration() {
        return java.util.Arrays.stream(generation).max().orElse(0);
    }

    /** The owners of shards whose sum is not whole, or (every sum whole) not sealed; holders owing a copy. */
    Set<String> owing() {
        Set<String> out = new TreeSet<>();
        boolean summed = summed();
        for (ShardPlan.Shard s : plan.shards()) {
            if (summed ? sealed[s.index()] == null : !added.get(s.index()).equals(accepted.keySet())) {
                out.add(s.owner());
            } else if (summed && holder[s.index()] != null && backup[s.index()] == null) {
                out.add(holder[s.index()]);
            }
        }
        return out;
    }

    /** The contributions that count. */
    Set<Long> included() {
        return new TreeSet<>(accepted.keySet());
    }

    /** Whether every shard's current sum holds every contribution that counts (and nothing else). */
    boolean summed() {
        return added.stream().allMatch(a -> a.equals(accepted.keySet()));
    }

    /** The seals to order once {@link #summed()}: every shard not sealed yet, over the contributions that count. */
    List<Seal> seals() {
        if (!summed()) {
            throw new IllegalStateException("step " + step + " is not summed: " + added + " of " + accepted.keySet());
        }
        List<Seal> out = new ArrayList<>();
        for (ShardPlan.Shard s : plan.shards()) {
            if (sealed[s.index()] == null) {
                out.add(new Seal(s.owner(), s.index(), generation[s.index()], included()));
            }
        }
        return out;
    }

    /**
     * The owner of {@code shard} published the sum of {@code leases} of {@code generation} at {@code ref}: the copy to
     * order as its backup, or null (no other owner, a stale seal, or one already taken).
     */
    Copy sealed(int shard, int generation, Set<Long> leases, BlobRef ref) {
        if (!current(shard, generation) || !leases.equals(accepted.keySet()) || sealed[shard] != null) {
            return null;
        }
        sealed[shard] = ref;
        return nextHolder(shard);
    }

    /** {@code who} copied {@code shard}'s mean of {@code generation} to {@code copy}; ignored unless it was asked. */
    void copied(int shard, int generation, String who, BlobRef copy) {
        if (current(shard, generation) && sealed[shard] != null && who.equals(holder[shard])) {
            backup[shard] = copy;
        }
    }

    /** {@code who} could not copy {@code shard}'s mean of {@code generation}: the next holder's copy, or null. */
    Copy copyFailed(int shard, int generation, String who) {
        if (!current(shard, generation) || sealed[shard] == null || !who.equals(holder[shard])) {
            return null;
        }
        passedOver.get(shard).add(who);
        return nextHolder(shard);
    }

    /**
     * Worker {@code who} is lost (after {@link #ownerLost}, so it owns nothing): every backup it held or owed is asked
     * of the next holder. Returns those copies.
     */
    List<Copy> holderLost(String who) {
        List<Copy> out = new ArrayList<>();
        for (int shard = 0; shard < holder.length; shard++) {
            if (who.equals(holder[shard])) {
                passedOver.get(shard).add(who);
                Copy c = nextHolder(shard);
                if (c != null) {
                    out.add(c);
                }
            }
        }
        return out;
    }

    /**
     * Who keeps {@code shard}'s sealed mean as its backup: the owner of the next shard in order with another owner,
     * not passed over (so each owner holds about one backup); none left, the shard commits with its mean only.
     */
    private Copy nextHolder(int shard) {
        backup[shard] = null;
        holder[shard] = null;
        List<ShardPlan.Shard> shards = plan.shards();
        String owner = shards.get(shard).owner();
        for (int k = 1; k < shards.size(); k++) {
            String candidate = shards.get((shard + k) % shards.size()).owner();
            if (!candidate.equals(owner) && !passedOver.get(shard).contains(candidate)) {
                holder[shard] = candidate;
                return new Copy(candidate, shard, generation[shard], sealed[shard]);
            }
        }
        return null;
    }

    private void unseal(int shard) {
        sealed[shard] = null;
        holder[shard] = null;
        backup[shard] = null;
    }

    /**
     * The step's update once every shard is sealed over the contributions that count and every backup asked for is
     * made; else null.
     */
    Update update() {
        List<BlobRef> means = new ArrayList<>();
        List<BlobRef> backups = new ArrayList<>();
        for (int shard = 0; shard < sealed.length; shard++) {
            if (sealed[shard] == null || holder[shard] != null && backup[shard] == null) {
                return null;
            }
            means.add(sealed[shard]);
            backups.add(holder[shard] == null ? sealed[shard] : backup[shard]);
        }
        return new Update(means, backups);
    }
}
