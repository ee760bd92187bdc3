package org.elasticscrl.coordinator;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The chunks of one global step and who answers for each: pending, leased (to a lease id),
 * receiving (its contribution is arriving) or done. A chunk is counted once: a contribution is
 * accepted only for a lease that still holds all its chunks, and a released lease's chunks go back
 * to pending — never dropped, never counted twice (DESIGN I2).
 */
public final class ChunkLedger {
    public enum State { PENDING, LEASED, RECEIVING, DONE }

    private record Entry(State state, long lease) {}

    private final long step;
    private final Map<Integer, Entry> chunks = new LinkedHashMap<>();

    public ChunkLedger(long step, List<Integer> chunkIds) {
        if (chunkIds.isEmpty()) {
            throw new IllegalArgumentException("step " + step + " has no chunks");
        }
        this.step = step;
        for (int c : chunkIds) {
            if (chunks.put(c, new Entry(State.PENDING, 0)) != null) {
                throw new IllegalArgumentException("chunk " + c + " twice in step " + step);
            }
        }
    }

    public long step() {
        return step;
    }

    public List<Integer> pending() {
        return inState(State.PENDING);
    }

    public List<Integer> inState(State s) {
        List<Integer> out = new ArrayList<>();
        chunks.forEach((c, e) -> {
            if (e.state == s) {
                out.add(c);
            }
        });
        return out;
    }

    public State state(int chunk) {
        return entry(chunk).state;
    }

    /** Leases pending {@code chunkIds} to {@code lease}. */
    public void lease(long lease, List<Integer> chunkIds) {
        for (int c : chunkIds) {
            if (entry(c).state != State.PENDING) {
                throw new IllegalStateException("chunk " + c + " of step " + step + " is " + entry(c).state
                        + ", cannot lease it again");
            }
        }
        chunkIds.forEach(c -> chunks.put(c, new Entry(State.LEASED, lease)));
    }

    /**
     * A contribution for {@code lease} covering {@code chunkIds} arrived: accepted (chunks now
     * receiving) only if the lease still holds exactly those chunks. Returns why not, or null.
     */
    public String accept(long lease, List<Integer> chunkIds) {
        List<Integer> held = held(lease, State.LEASED);
        if (held.isEmpty()) {
            return "lease " + lease + " holds no chunk of step " + step + " (released or already in)";
        }
        if (!held.equals(chunkIds)) {
            return "lease " + lease + " holds chunks " + held + ", contribution names " + chunkIds;
        }
        held.forEach(c -> chunks.put(c, new Entry(State.RECEIVING, lease)));
        return null;
    }

    /** The accepted contribution of {@code lease} is summed: its chunks are done. */
    public void complete(long lease) {
        List<Integer> held = held(lease, State.RECEIVING);
        if (held.isEmpty()) {
            throw new IllegalStateException("lease " + lease + " has no chunk being received in step " + step);
        }
        held.forEach(c -> chunks.put(c, new Entry(State.DONE, lease)));
    }

    /**
     * The sum that counted {@code lease}'s contribution was discarded (another transfer spoiled it): its
     * done chunks are receiving again, until the contribution is summed anew. Returns them.
     */
    public List<Integer> reopen(long lease) {
        List<Integer> back = held(lease, State.DONE);
        back.forEach(c -> chunks.put(c, new Entry(State.RECEIVING, lease)));
        return back;
    }

    /**
     * Gives the chunks of {@code lease} that are not done back to pending (worker gone, deadline
     * missed, transfer failed). Returns them.
     */
    public List<Integer> release(long lease) {
        List<Integer> back = new ArrayList<>(held(lease, State.LEASED));
        back.addAll(held(lease, State.RECEIVING));
        back.forEach(c -> chunks.put(c, new Entry(State.PENDING, 0)));
        return back;
    }

    /** Leases that hold chunks in {@code state}. */
    public List<Long> leases(State state) {
        return chunks.values().stream().filter(e -> e.state == state).map(Entry::lease).distinct().toList();
    }

    public boolean isComplete() {
        return chunks.values().stream().allMatch(e -> e.state == State.DONE);
    }

    /** Which lease answered for each chunk (all done). */
    public Map<Integer, Long> answers() {
        if (!isComplete()) {
            throw new IllegalStateException("step " + step + " is not complete: " + pending().size() + " pending");
        }
        Map<Integer, Long> out = new LinkedHashMap<>();
        chunks.forEach((c, e) -> out.put(c, e.lease));
        return out;
    }

    public List<Integer> chunkIds() {
        return List.copyOf(chunks.keySet());
    }

    private List<Integer> held(long lease, State state) {
        List<Integer> out = new ArrayList<>();
        chunks.forEach((c, e) -> {
            if (e.state == state && e.lease == lease) {
                out.add(c);
            }
        });
        return out;
    }

    private Entry entry(int chunk) {
        Entry e = chunks.get(chunk);
        if (e == null) {
            throw new IllegalArgumentException("chunk " + chunk + " is not in step " + step);
        }
        return e;
    }
}
