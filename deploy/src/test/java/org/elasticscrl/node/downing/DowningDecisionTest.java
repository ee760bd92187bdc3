package org.elasticscrl.node.downing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.elasticscrl.node.downing.DowningDecision.Decision;
import org.elasticscrl.node.downing.DowningDecision.Link;
import org.elasticscrl.node.downing.DowningDecision.Node;
import org.junit.jupiter.api.Test;

class DowningDecisionTest {
    private static final Pattern MEMBER = Pattern.compile("Member\\(pekko://scrl@127\\.0\\.0\\.1:(\\d+), (\\w+)\\)");
    private static final Pattern RECORD = Pattern.compile(
            "pekko://scrl@127\\.0\\.0\\.1:(\\d+) -> pekko://scrl@127\\.0\\.0\\.1:(\\d+): (Unreachable|Terminated)");

    /** The tables Pekko's resolver decided on in our chaos campaigns, replayed: only the faulty node is downed. */
    @Test
    void theCampaignsTablesDownOnlyTheFaultyNode() throws IOException {
        List<String[]> cases = cases();
        assertEquals(4, cases.size());
        for (String[] c : cases) {
            Set<String> coordinators = Set.of(c[1].split(" "));
            List<Node> nodes = new ArrayList<>();
            Matcher m = MEMBER.matcher(c[4]);
            while (m.find()) {
                String status = m.group(2);
                if (!status.equals("Down") && !status.equals("Exiting")) {
                    nodes.add(new Node(m.group(1), coordinators.contains(m.group(1)),
                            status.equals("Up") || status.equals("Leaving")));
                }
            }
            nodes.sort(Comparator.comparingInt(n -> Integer.parseInt(n.address())));
            List<Link> links = new ArrayList<>();
            Matcher r = RECORD.matcher(c[5]);
            while (r.find()) {
                links.add(new Link(r.group(1), r.group(2))); // records naming downed members are ignored
            }
            Decision d = DowningDecision.decide(nodes, links);
            assertEquals(List.of(c[2].split(" ")), d.down(), c[0] + ": " + d.reason());
            int pekkoDowned = c[3].split(",").length;
            assertTrue(pekkoDowned > d.down().size() || c[0].contains("downed the same"), c[0]);
            assertFalse(d.keep().isEmpty());
            assertTrue(d.keep().contains(d.responsible()));
        }
    }

    @Test
    void aCleanPartitionKeepsTheMajoritySideFromEitherSidesView() {
        List<Node> nodes = nodes("c1", "c2", "w1", "w2", "w3");
        List<String> left = List.of("c1", "w1", "w2");
        List<String> right = List.of("c2", "w3");
        Decision fromLeft = DowningDecision.decide(nodes, across(left, right));
        Decision fromRight = DowningDecision.decide(nodes, across(right, left));
        assertEquals(left, fromLeft.keep());
        assertEquals(left, fromRight.keep());
        assertEquals(right, fromRight.down());
        assertEquals("c1", fromLeft.responsible());
    }

    @Test
    void aTieKeepsTheSideWithTheLowestCountedAddress() {
        List<Node> nodes = nodes("c1", "c2", "w1", "w2");
        List<String> a = List.of("c2", "w1");
        List<String> b = List.of("c1", "w2");
        assertEquals(List.of("c1", "w2"), DowningDecision.decide(nodes, across(a, b)).keep());
        assertEquals(List.of("c1", "w2"), DowningDecision.decide(nodes, across(b, a)).keep());
    }

    @Test
    void withoutAMajorityEveryNodeDownsItself() {
        List<Node> nodes = nodes("c1", "c2", "w1", "w2", "w3");
        List<Link> links = new ArrayList<>(across(List.of("c1", "w1"), List.of("c2", "w2", "w3")));
        links.addAll(across(List.of("c2", "w2"), List.of("w3")));
        Decision d = DowningDecision.decide(nodes, links);
        assertTrue(d.keep().isEmpty(), d.reason());
        assertEquals(5, d.down().size());
        assertNull(d.responsible());
    }

    /** Frozen, woken (marking every peer), frozen again (every peer marking it): it alone goes. */
    @Test
    void aNodeFrozenTwiceIsASideOfItsOwn() {
        List<Node> nodes = nodes("c1", "c2", "w0", "w1", "w2", "w3", "w4", "w5");
        List<String> others = List.of("c1", "c2", "w1", "w2", "w3", "w4", "w5");
        List<Link> links = new ArrayList<>(across(List.of("w0"), others));
        links.addAll(across(others, List.of("w0")));
        Decision d = DowningDecision.decide(nodes, links);
        assertEquals(List.of("w0"), d.down());
        assertEquals("c1", d.responsible());
    }

    /** CoordinatorFailoverIT's fault: the active coordinator killed while a worker is frozen. */
    @Test
    void aKilledCoordinatorAndAFrozenWorkerLeaveTheThreeOthers() {
        List<Node> nodes = nodes("c1", "c2", "w1", "w2", "w3");
        Decision d = DowningDecision.decide(nodes, across(List.of("c2", "w2", "w3"), List.of("c1", "w1")));
        assertEquals(List.of("c2", "w2", "w3"), d.keep());
        assertEquals("c2", d.responsible());
    }

    @Test
    void joiningNodesDoNotCountAndGoFirst() {
        List<Node> nodes = new ArrayList<>(nodes("c1", "w1", "w2"));
        nodes.add(new Node("w3", false, false));
        nodes.add(new Node("w4", false, false));
        // the two joiners and w2 cut from c1 and w1: 1 counted node of 3 on that side, so the other side stays
        Decision d = DowningDecision.decide(nodes, across(List.of("c1", "w1"), List.of("w2", "w3", "w4")));
        assertEquals(List.of("c1", "w1"), d.keep());
        // a link between a counted node and a joiner: the joiner goes
        assertEquals(List.of("w4"), DowningDecision.decide(nodes, List.of(new Link("w1", "w4"))).down());
        // records naming no member are ignored
        assertTrue(DowningDecision.decide(nodes, List.of(new Link("gone", "w1"))).down().isEmpty());
    }

    /**
     * Random clean partitions, each side deciding on the records its own observers made (all it can see):
     * never two sides kept, the strict-majority side always kept, and no broken link left among the kept.
     */
    @Test
    void randomPartitionsNeverKeepTwoSides() {
        Random random = new Random(11);
        for (int trial = 0; trial < 2000; trial++) {
            int n = 2 + random.nextInt(14);
            List<Node> nodes = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                nodes.add(new Node(String.format("n%02d", i), i < 2, random.nextInt(8) != 0));
            }
            int sides = 1 + random.nextInt(3);
            int[] side = new int[n];
            Arrays.setAll(side, i -> random.nextInt(sides));
            int counted = (int) nodes.stream().filter(Node::counted).count();
            Set<Integer> keptSides = new HashSet<>();
            for (int s = 0; s < sides; s++) {
                List<Link> seen = new ArrayList<>();
                for (int o = 0; o < n; o++) {
                    for (int t = 0; t < n; t++) {
                        if (side[o] == s && side[t] != s) {
                            seen.add(new Link(nodes.get(o).address(), nodes.get(t).address()));
                        }
                    }
                }
                Decision d = DowningDecision.decide(nodes, seen);
                for (String kept : d.keep()) {
                    for (Link l : seen) {
                        assertFalse(l.observer().equals(kept) && d.keep().contains(l.subject()), "trial " + trial);
                    }
                }
                final int mine = s;
                boolean keepsItself = d.keep().stream().anyMatch(a -> side[Integer.parseInt(a.substring(1))] == mine);
                if (keepsItself) {
                    keptSides.add(s);
                }
                long ownCounted = java.util.stream.IntStream.range(0, n)
                        .filter(i -> side[i] == mine && nodes.get(i).counted()).count();
                if (counted > 0 && 2 * ownCounted > counted) {
                    assertTrue(keepsItself, "trial " + trial + ": a majority side downed itself");
                }
            }
            assertTrue(keptSides.size() <= 1, "trial " + trial + ": sides " + keptSides + " both kept");
        }
    }

    private static List<Node> nodes(String... names) {
        return Arrays.stream(names).map(a -> new Node(a, a.startsWith("c"), true)).toList();
    }

    /** Every node of {@code observers} marks every node of {@code subjects} unreachable. */
    private static List<Link> across(List<String> observers, List<String> subjects) {
        List<Link> links = new ArrayList<>();
        for (String o : observers) {
            for (String s : subjects) {
                links.add(new Link(o, s));
            }
        }
        return links;
    }

    /** {case, coordinators, expect-down, pekko-downed, members, reachability} per case of the fixture. */
    private static List<String[]> cases() throws IOException {
        List<String[]> cases = new ArrayList<>();
        try (InputStream in = DowningDecisionTest.class.getResourceAsStream("/downing/pekko-decisions.txt")) {
            String[] current = null;
            List<String> keys = List.of("case", "coordinators", "expect-down", "pekko-downed", "members", "reachability");
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                int colon = line.indexOf(": ");
                int key = colon < 0 || line.startsWith("#") ? -1 : keys.indexOf(line.substring(0, colon));
                if (key == 0) {
                    current = new String[keys.size()];
                    cases.add(current);
                }
                if (key >= 0) {
                    current[key] = line.substring(colon + 2);
                }
            }
        }
        return cases;
    }
}
