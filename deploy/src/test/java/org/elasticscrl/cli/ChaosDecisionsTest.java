package org.elasticscrl.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.elasticscrl.cli.ChaosRun.Fault;
import org.elasticscrl.cli.ChaosRun.Kind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the campaign counts as the coordinator's decision about a fault, from the run's records. */
class ChaosDecisionsTest {
    @TempDir
    Path dir;

    @Test
    void aFreezeIsAnsweredBeforeTheSameWorkersNextFaultOrNeededNoAnswer() throws Exception {
        records("membership.csv", "unix_millis,global_step,membership_epoch,worker,event,detail",
                "1500,10,3,worker-0,deadline-missed,lease 7 re-leased",
                "9000,40,5,worker-1,gone,unreachable or downed",
                "9500,40,5,worker-0,gone,unreachable or downed");
        records("commits.csv",
                "global_step,epoch,step_in_epoch,membership_epoch,samples,lr,tau,weight_decay,ssl_loss,seconds,chunks",
                "30,1,0,3,32,0.1,0.99,1e-06,4.1,0.9,0:worker-0 1:worker-1",
                "60,1,1,3,32,0.1,0.99,1e-06,4.1,0.9,0:worker-0");
        Fault first = new Fault(Kind.FREEZE_WORKER, "worker-0", 1000, 10);
        Fault thawedSoon = new Fault(Kind.FREEZE_WORKER, "worker-1", 5000, 20); // worker-1 computed at step 30
        Fault next = new Fault(Kind.FREEZE_WORKER, "worker-1", 8000, 35);
        Fault late = new Fault(Kind.FREEZE_WORKER, "worker-0", 2000, 12);
        List<Fault> injected = List.of(first, late, thawedSoon, next);
        assertEquals(500, ChaosDecisions.decisionMillis(dir, first, injected));
        // worker-1's "gone" at 9000 answers its next freeze (8000), not this one: it needed none (it computed after)
        assertEquals(0, ChaosDecisions.decisionMillis(dir, thawedSoon, injected));
        assertEquals(1000, ChaosDecisions.decisionMillis(dir, next, injected));
        // the last freeze of worker-0 has no later fault: its answer is the first after it
        assertEquals(7500, ChaosDecisions.decisionMillis(dir, late, injected));
        // a freeze nothing answered, of a worker that held no chunk then or after: the run never waited for it
        Fault idle = new Fault(Kind.FREEZE_WORKER, "worker-2", 3000, 15);
        assertEquals(0, ChaosDecisions.decisionMillis(dir, idle, List.of(idle)));
        // other faults are not windowed: a kill is answered by the first "gone" after it
        assertEquals(4000, ChaosDecisions.decisionMillis(dir, new Fault(Kind.KILL_WORKER, "worker-1", 5000, 20), injected));
    }

    /**
     * Seed 3's power cut: armed at 158 commits, it struck when the worker was asked for a copy; the coordinator
     * was killed a second later, before recording the loss, and the one taking over never knew that JVM (the
     * worker's next one registered with it and computed). Nothing to decide — measured from the strike, not the
     * arming; the old accounting reported it undecided and failed the campaign.
     */
    @Test
    void aPowerCutJustBeforeACoordinatorKillNeedsNoDecision() throws Exception {
        records("membership.csv", "unix_millis,global_step,membership_epoch,worker,event,detail",
                "5000,199,17,coordinator,checkpoint,step 199: copies by worker-2 worker-6",
                "16000,-1,18,coordinator,took-over,run state after step 200",
                "16010,-1,18,worker-6,registered,cpu threads=1");
        records("commits.csv",
                "global_step,epoch,step_in_epoch,membership_epoch,samples,lr,tau,weight_decay,ssl_loss,seconds,chunks",
                "230,1,0,3,32,0.1,0.99,1e-06,4.1,0.9,0:worker-6 1:worker-2");
        Fault cut = new Fault(Kind.POWER_CUT_WORKER, "worker-6", 1000, 158);
        Fault kill = new Fault(Kind.KILL_COORDINATOR, "coordinator@127.0.0.1:1", 6000, 199);
        assertEquals(0, ChaosDecisions.decisionMillis(dir, cut, List.of(cut, kill)));
        // without the kill, the same records leave it undecided
        assertEquals(-1, ChaosDecisions.decisionMillis(dir, cut, List.of(cut)));
        // seed 6's: the cut JVM died 1.3 s after the order and the coordinator was killed 1.3 s after that
        Fault later = new Fault(Kind.KILL_COORDINATOR, "coordinator@127.0.0.1:1", 7700, 199);
        assertEquals(0, ChaosDecisions.decisionMillis(dir, cut, List.of(cut, later)));
        // a kill long after the loss could have been recorded excuses nothing
        Fault muchLater = new Fault(Kind.KILL_COORDINATOR, "coordinator@127.0.0.1:1", 5000
                + ChaosDecisions.CLOSE_MILLIS + ChaosDecisions.CUT_MILLIS + 1, 199);
        assertEquals(-1, ChaosDecisions.decisionMillis(dir, cut, List.of(cut, muchLater)));
    }

    /**
     * Seed 5's leave: the worker finished its step and a checkpoint copy (4.7 s) before its JVM left, and the
     * coordinator was killed 6 s after the signal, before recording the departure; the next one never knew it.
     */
    @Test
    void aLeaveJustBeforeACoordinatorKillNeedsNoDecision() throws Exception {
        records("membership.csv", "unix_millis,global_step,membership_epoch,worker,event,detail",
                "37939,127,14,coordinator,checkpoint,step 127: copies by worker-1 worker-4",
                "51379,-1,15,coordinator,took-over,run state after step 134");
        records("commits.csv",
                "global_step,epoch,step_in_epoch,membership_epoch,samples,lr,tau,weight_decay,ssl_loss,seconds,chunks",
                "126,1,0,3,32,0.1,0.99,1e-06,4.1,0.9,0:worker-4 1:worker-2");
        Fault leave = new Fault(Kind.LEAVE_WORKER, "worker-4", 35000, 120);
        Fault kill = new Fault(Kind.KILL_COORDINATOR, "coordinator@127.0.0.1:1", 41000, 135);
        assertEquals(0, ChaosDecisions.decisionMillis(dir, leave, List.of(leave, kill)));
        Fault killLater = new Fault(Kind.KILL_COORDINATOR, "coordinator@127.0.0.1:1", 60000, 160);
        assertEquals(-1, ChaosDecisions.decisionMillis(dir, leave, List.of(leave, killLater)));
    }

    private void records(String file, String... lines) throws java.io.IOException {
        Files.writeString(dir.resolve(file), String.join("\n", lines) + "\n");
    }
}
