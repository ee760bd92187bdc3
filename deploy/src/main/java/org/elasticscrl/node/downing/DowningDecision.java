package org.elasticscrl.node.downing;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * Which members a split-brain decision keeps and which it downs: a pure function of the membership and
 * the cluster's unreachability records, the same on every node that sees the same gossip.
 *
 * <p>Keep-majority, as Pekko's resolver, but with a different answer to records that do not describe a
 * clean partition. Pekko counts an observer that is itself unreachable, and every subject that has seen
 * the latest gossip, as <em>indirectly connected</em> and downs them all: a worker frozen twice (awake
 * long enough to mark all its peers unreachable, frozen again before its marks cleared) made it down 7 of
 * 8 healthy nodes, both coordinators included. Here a record says only that the link between two nodes is
 * broken, and the decision removes as few nodes as it can to leave no broken link among those kept:
 * <ol>
 * <li>the sides are the groups of nodes with no broken link between any two of them (connected components of
 *     "no record either way"); a node that marked everyone unreachable, or that everyone marked, is a side of
 *     its own;</li>
 * <li>the side holding more than half of the counted members (Up or Leaving; Joining and WeaklyUp ones do not
 *     count, as in Pekko) is kept; exactly half is kept when it holds the lowest-addressed counted member;
 *     when no side qualifies every node downs itself (two sides can never both be kept, whatever each
 *     sees);</li>
 * <li>broken links left inside the kept side (one flaky link, one node's stale marks) are resolved by
 *     removing, one at a time, the node with the most broken links — on a tie the one that does not count,
 *     then a worker before a coordinator, then the one more often reported, then the highest address.</li>
 * </ol>
 */
public final class DowningDecision {
    /** A member: {@code counted} when Up or Leaving. */
    public record Node(String address, boolean coordinator, boolean counted) {}

    /** An Unreachable (or Terminated) record: {@code observer} does not hear {@code subject}. */
    public record Link(String observer, String subject) {}

    /**
     * {@code responsible}: the kept node that downs the others (each node in {@code down} downs itself too);
     * null when nothing is kept.
     */
    public record Decision(List<String> keep, List<String> down, String responsible, String reason) {
        public boolean downs(String address) {
            return down.contains(address);
        }
    }

    private DowningDecision() {}

    /** @param nodes in the cluster's address order, lowest first; {@code links} naming other nodes are ignored */
    public static Decision decide(List<Node> nodes, List<Link> links) {
        int n = nodes.size();
        Map<String, Integer> index = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) {
            index.put(nodes.get(i).address(), i);
        }
        BitSet[] broken = new BitSet[n];
        int[] reported = new int[n];
        for (int i = 0; i < n; i++) {
            broken[i] = new BitSet(n);
        }
        for (Link link : links) {
            Integer o = index.get(link.observer());
            Integer s = index.get(link.subject());
            if (o != null && s != null && !o.equals(s)) {
                broken[o].set(s);
                broken[s].set(o);
                reported[s]++;
            }
        }
        List<BitSet> sides = sides(broken, n);
        int counted = (int) nodes.stream().filter(Node::counted).count();
        int lowestCounted = IntStream.range(0, n).filter(i -> nodes.get(i).counted()).findFirst().orElse(0);
        int total = counted == 0 ? n : counted; // no counted member yet (all joining): every node counts
        BitSet majority = null;
        for (BitSet side : sides) {
            int weight = counted == 0 ? side.cardinality() : (int) side.stream().filter(i -> nodes.get(i).counted()).count();
            if (2 * weight > total || (2 * weight == total && side.get(lowestCounted))) {
                majority = side;
            }
        }
        if (majority == null) {
            List<String> all = nodes.stream().map(Node::address).toList();
            return new Decision(List.of(), all, null, String.format(
                    "no side holds a majority of the %d counted members (sides of %s): every node downs itself",
                    counted, sides.stream().map(s -> String.valueOf(s.cardinality())).collect(Collectors.joining(", "))));
        }
        BitSet kept = majority;
        int sideSize = kept.cardinality();
        List<String> suspects = removeSuspects(nodes, broken, reported, kept);
        List<String> keep = kept.stream().mapToObj(i -> nodes.get(i).address()).toList();
        List<String> down = IntStream.range(0, n).filter(i -> !kept.get(i)).mapToObj(i -> nodes.get(i).address()).toList();
        int responsible = kept.stream().filter(i -> nodes.get(i).counted()).findFirst()
                .orElse(kept.nextSetBit(0));
        String reason = String.format("keep-majority: the side of %d of %d nodes (%d counted) holds the majority%s",
                sideSize, n, counted, suspects.isEmpty() ? ""
                        : "; within it, broken links are resolved by downing " + String.join(", ", suspects));
        return new Decision(keep, down, nodes.get(responsible).address(), reason);
    }

    /** Groups of nodes with no broken link between any two (connected components of the complement). */
    private static List<BitSet> sides(BitSet[] broken, int n) {
        List<BitSet> sides = new ArrayList<>();
        BitSet placed = new BitSet(n);
        for (int start = 0; start < n; start++) {
            if (placed.get(start)) {
                continue;
            }
            BitSet side = new BitSet(n);
            List<Integer> queue = new ArrayList<>(List.of(start));
            side.set(start);
            placed.set(start);
            while (!queue.isEmpty()) {
                int i = queue.remove(queue.size() - 1);
                for (int j = placed.nextClearBit(0); j < n; j = placed.nextClearBit(j + 1)) {
                    if (!broken[i].get(j)) {
                        side.set(j);
                        placed.set(j);
                        queue.add(j);
                    }
                }
            }
            sides.add(side);
        }
        return sides;
    }

    /** Removes from {@code kept} (in place) nodes until no broken link is left inside it; returns their addresses. */
    private static List<String> removeSuspects(List<Node> nodes, BitSet[] broken, int[] reported, BitSet kept) {
        Comparator<Integer> mostSuspect = Comparator
                .<Integer>comparingInt(i -> degree(broken[i], kept))
                .thenComparing(i -> !nodes.get(i).counted())
                .thenComparing(i -> !nodes.get(i).coordinator())
                .thenComparingInt(i -> reported[i])
                .thenComparingInt(i -> i);
        List<String> removed = new ArrayList<>();
        while (true) {
            int worst = kept.stream().boxed().max(mostSuspect).orElse(-1);
            if (worst < 0 || degree(broken[worst], kept) == 0) {
                return removed;
            }
            kept.clear(worst);
            removed.add(nodes.get(worst).address());
        }
    }

    private static int degree(BitSet links, BitSet among) {
        BitSet both = (BitSet) links.clone();
        both.and(among);
        return both.cardinality();
    }
}
