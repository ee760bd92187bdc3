package org.elasticscrl.worker;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorRefResolver;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.elasticscrl.config.ConfigLoader;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.elasticscrl.protocol.CoordinatorProtocol;
import org.elasticscrl.protocol.WorkerProtocol;
import org.elasticscrl.protocol.ClusterSecret;
import org.elasticscrl.protocol.ScrlMessageSerializer;
import org.elasticscrl.protocol.Sealed;
import org.elasticscrl.protocol.Session;
import org.elasticscrl.protocol.Tensors;
import org.elasticscrl.protocol.WorkerProtocol.Command;
import org.elasticscrl.protocol.WorkerProtocol.Commit;
import org.elasticscrl.protocol.WorkerProtocol.Lease;
import org.elasticscrl.protocol.WorkerProtocol.ProvideState;
import org.elasticscrl.protocol.WorkerProtocol.Refused;
import org.elasticscrl.protocol.WorkerProtocol.Release;
import org.elasticscrl.protocol.WorkerProtocol.Resync;
import org.elasticscrl.protocol.WorkerProtocol.RunTask;
import org.elasticscrl.protocol.WorkerProtocol.SyncFrom;
import org.elasticscrl.protocol.WorkerProtocol.Welcome;

/**
 * A worker: registers with the coordinator, builds its {@link Replica} from the run's
 * configuration, then works through what the coordinator sends in order — apply commits, compute
 * leases, snapshot its state for joiners, run tasks — one job at a time on the replica's own
 * thread ({@link Jobs}). Payloads are fetched and chunks loaded as soon as a message arrives, so
 * they overlap with the job before. A job that fails is reported, never a stall.
 */
public final class WorkerActor extends AbstractBehavior<Command> {
    private record RegisterTick() implements Command {}

    /** A replica built (at the initial state) or kept from an earlier incarnation (after commit {@code step}). */
    private record Opened(Replica replica, Throwable error, long step) implements Command {}

    private record JobDone(String what, Throwable error) implements Command {}

    private final WorkerSettings settings;
    private final CoordinatorLink coordinator;
    private final Tensors tensors;
    private final ExecutorService thread;
    private final Runnable onStop;
    private final Deque<Jobs.Job> queue = new ArrayDeque<>();
    private Jobs jobs;
    private boolean running;
    /** Nothing is applied before the coordinator says where this replica starts (SyncFrom). */
    private boolean awaitingState = true;
    /** Loading a peer's state: report SyncCompleted once every waiting commit is applied. */
    private boolean joining;
    /** Told to resynchronise: registering again with the replica already built. */
    private boolean resyncing;
    /** Welcomed: report WorkerReady once the running job (if any) is done. */
    private boolean readyPending;
    /** Fatal errors of this worker's earlier JVMs, sent with the registration until it is answered. */
    private CrashReports crashes;
    /** This registration's half of the session key; a new one when registering again. */
    private String nonce = ClusterSecret.nonce();
    /** The newest accepted unsealed resync order: an older or equal one is a replay. */
    private long lastResync;
    private final java.util.Set<String> refusalsLogged = new java.util.HashSet<>();
    private final Receive<Command> fromCoordinator = sessionMessages();
    private final KeptReplica kept;
    private final TimerScheduler<Command> timers;
    /** The run welcomed to (null before): a replica is kept for it when this incarnation ends unexpectedly. */
    private Welcome run;
    /** Stopping on purpose (released, refused, failed): nothing is kept. */
    private boolean stopping;

    /** {@code kept}: the replica an earlier cluster incarnation of this worker left, and where this one leaves its. */
    public static Behavior<Command> create(WorkerSettings settings, ActorRef<CoordinatorProtocol.Command> coordinator,
            Tensors tensors, ExecutorService replicaThread, KeptReplica kept, Runnable onStop) {
        return Behaviors.setup(ctx -> Behaviors.withTimers(timers ->
                new WorkerActor(ctx, timers, settings, coordinator, tensors, replicaThread, kept, onStop)));
    }

    private WorkerActor(ActorContext<Command> ctx, TimerScheduler<Command> timers, WorkerSettings settings,
            ActorRef<CoordinatorProtocol.Command> coordinator, Tensors tensors, ExecutorService thread, KeptReplica kept,
            Runnable onStop) {
        super(ctx);
        this.kept = kept;
        ctx.setLoggerName(WorkerActor.class);
        this.settings = settings;
        this.coordinator = new CoordinatorLink(coordinator);
        this.tensors = tensors;
        this.thread = thread;
        this.onStop = onStop;
        this.crashes = CrashReports.in(settings.crashDir());
        if (!crashes.summaries().isEmpty()) {
            ctx.getLog().warn("this worker's earlier JVMs died with fatal errors: {}", crashes.summaries());
        }
        timers.startTimerWithFixedDelay("register", new RegisterTick(), Duration.ZERO, Duration.ofSeconds(2));
        this.timers = timers;
        // a coordinator that takes over finds the workers here
        ctx.getSystem().receptionist().tell(Receptionist.register(WorkerProtocol.WORKERS, ctx.getSelf()));
    }

    @Override
    public Receive<Command> createReceive() {
        return newReceiveBuilder()
                .onMessage(RegisterTick.class, m -> register())
                .onMessage(Welcome.class, this::onWelcome)
                .onMessage(Refused.class, this::onUnsealedRefusal)
                .onMessage(Resync.class, this::onUnsealedResync)
                .onMessage(Sealed.class, this::onSealed)
                .onMessage(Opened.class, this::onOpened)
                .onMessage(JobDone.class, this::onJobDone)
                .onMessage(Command.class, m -> refusedOnce("an unsealed " + m.getClass().getSimpleName()
                        + " (only the coordinator's session counts)"))
                .onSignal(org.apache.pekko.actor.typed.PostStop.class, s -> keepReplica())
                .build();
    }

    /** Downed: the replica is kept for the next incarnation after the job under way; one being built is closed. */
    private Behavior<Command> keepReplica() {
        if (building != null) {
            building.thenAcceptAsync(Replica::close, thread);
        } else if (!stopping && jobs != null && run != null) {
            Jobs j = jobs;
            String id = run.runId();
            String yaml = run.configYaml();
            thread.execute(() -> kept.keep(new KeptReplica.Kept(id, yaml, j.detach(), j.lastApplied())));
        }
        return this;
    }

    /** What the coordinator tells this worker: acted on only as it arrives in the worker's session. */
    private Receive<Command> sessionMessages() {
        return newReceiveBuilder()
                .onMessage(Refused.class, m -> {
                    acknowledgeCrashes();
                    return stop("refused by the coordinator: " + m.reason());
                })
                .onMessage(Commit.class, m -> enqueue(jobs().apply(m)))
                .onMessage(Lease.class, m -> enqueue(jobs().compute(m)))
                .onMessage(WorkerProtocol.ShardOrder.class, m -> { jobs().owner().order(m); return this; })
                .onMessage(ProvideState.class, m -> enqueue(jobs().snapshot(m)))
                .onMessage(WorkerProtocol.ReportChecksum.class, m -> enqueue(jobs().checksumReport(m)))
                .onMessage(RunTask.class, m -> enqueue(jobs().task(m)))
                .onMessage(WorkerProtocol.SaveCheckpoint.class, m -> enqueue(jobs().save(m)))
                .onMessage(WorkerProtocol.LoadCheckpoint.class, this::onLoadCheckpoint)
                .onMessage(SyncFrom.class, this::onSyncFrom)
                .onMessage(Resync.class, this::onResync)
                .onMessage(Release.class, m -> stop("released: " + m.reason()))
                .build();
    }

    private Behavior<Command> register() {
        coordinator.register(new CoordinatorProtocol.RegisterWorker(settings.workerId(), settings.device(),
                settings.memoryBytes(), settings.threads(), getContext().getSelf(),
                ScrlMessageSerializer.PROTOCOL_VERSION, settings.secret().fingerprint(),
                settings.secret().credential(settings.workerId(), self(), nonce), settings.kernels(),
                settings.deterministicKernels(), crashes.summaries(), nonce));
        return this;
    }

    /** This actor's ref with its address, as the coordinator sees it: proofs cover it. */
    private String self() {
        return ActorRefResolver.get(getContext().getSystem()).toSerializationFormat(getContext().getSelf());
    }

    /** A message of the coordinator's: opened in the session, or refused (said once per reason). */
    private Behavior<Command> onSealed(Sealed s) throws Exception {
        Session session = coordinator.session();
        if (session == null) {
            return refusedOnce("a sealed message before any Welcome");
        }
        Command inner;
        try {
            inner = (Command) session.open(s);
        } catch (SecurityException e) {
            return refusedOnce("a sealed message that does not open: " + e.getMessage());
        }
        return fromCoordinator.receive(getContext(), inner);
    }

    /** A refusal of the registration: believed when the coordinator proves the cluster secret with it. */
    private Behavior<Command> onUnsealedRefusal(Refused m) {
        if (!settings.secret().provesRefusal(m.proof(), settings.workerId(), nonce, m.reason())) {
            return refusedOnce("a refusal that does not prove the cluster secret (\"" + m.reason() + "\"); registering"
                    + " on");
        }
        acknowledgeCrashes();
        return stop("refused by the coordinator: " + m.reason());
    }

    /** "Register again" from a coordinator that took the run over (no session yet): proven and fresh, or ignored. */
    private Behavior<Command> onUnsealedResync(Resync m) {
        long age = Math.abs(System.currentTimeMillis() - m.unixMillis());
        if (!settings.secret().provesResync(m.proof(), self(), m.reason(), m.unixMillis()) || age > 5 * 60_000
                || m.unixMillis() <= lastResync) {
            return refusedOnce("a resync order that does not prove the cluster secret, or is stale or replayed");
        }
        lastResync = m.unixMillis();
        return onResync(m);
    }

    private Behavior<Command> refusedOnce(String what) {
        if (refusalsLogged.size() < 64 && refusalsLogged.add(what)) {
            getContext().getLog().warn("worker {} ignored {}", settings.workerId(), what);
        }
        return this;
    }

    /** The coordinator has answered a registration that carried the crash reports: not sent again. */
    private void acknowledgeCrashes() {
        crashes.acknowledge();
        crashes = CrashReports.in(null);
    }

    private Behavior<Command> onWelcome(Welcome m) {
        Session session = new Session(settings.workerId(),
                settings.secret().sessionKey(settings.workerId(), self(), nonce, m.nonce()), false);
        if (!session.proves(m.proof(), Session.welcomeText(m.runId(), m.configYaml(), m.membershipEpoch(), m.joinStep(),
                m.nonce()))) {
            return refusedOnce("a Welcome that does not prove the cluster secret");
        }
        if (resyncing || coordinator.opens(m.nonce())) {
            coordinator.open(session, m.nonce());
        }
        acknowledgeCrashes();
        if (resyncing) {
            timers.cancel("register");
            resyncing = false;
            readyPending = true;
            getContext().getLog().info("welcomed back to run {}", m.runId());
            reportReady();
            return this;
        }
        if (jobs != null || building != null) {
            return this; // a repeated registration was welcomed twice
        }
        timers.cancel("register");
        run = m;
        KeptReplica.Kept own = kept.take(m.runId(), m.configYaml());
        if (own != null) {
            getContext().getLog().info("welcomed to run {} again as a new node, replica at step {}", m.runId(),
                    own.lastApplied());
            return onOpened(new Opened(own.replica(), null, own.lastApplied()));
        }
        getContext().getLog().info("welcomed to run {} (join step {}), building the replica", m.runId(), m.joinStep());
        var cfg = ConfigLoader.fromYaml(m.configYaml(), "run " + m.runId() + " configuration");
        building = CompletableFuture.supplyAsync(() -> {
            CopyHygiene.removeLeftovers(settings, cfg.saveDir());
            return settings.openReplica(cfg);
        }, thread);
        getContext().pipeToSelf(building, (replica, error) -> new Opened(replica, error, -1));
        return this;
    }

    /** The replica being built, until it is adopted ({@link Opened}). */
    private CompletableFuture<Replica> building;

    private Behavior<Command> onOpened(Opened m) {
        building = null;
        if (m.error() != null) {
            coordinator.tell(new CoordinatorProtocol.WorkerFailed(settings.workerId(), "replica", m.error().toString()));
            return stop("could not build the replica: " + m.error());
        }
        tensors.useDtype(m.replica().config().cluster().wireDtype());
        jobs = new Jobs(settings, m.replica(), tensors, thread, coordinator);
        jobs.startAt(m.step());
        readyPending = true;
        reportReady();
        return this;
    }

    /**
     * Tells the coordinator the replica is ready and which commit it holds — once no job runs, so
     * that the step reported is the one the replica will have.
     */
    private void reportReady() {
        if (readyPending && !running) {
            readyPending = false;
            jobs.reportReady();
        }
    }

    private Jobs jobs() {
        if (jobs == null) {
            throw new IllegalStateException("work arrived before the replica was built");
        }
        return jobs;
    }

    /**
     * Where this replica starts: its own initial state (no blob: it was active from the start) or a
     * peer's state after commit {@code step}, loaded before any commit that waited for it.
     */
    private Behavior<Command> onSyncFrom(SyncFrom m) {
        if (!awaitingState) {
            return this;
        }
        awaitingState = false;
        queue.removeIf(j -> j instanceof Jobs.Apply a && a.step() <= m.step()); // already in that state
        if (m.state() == null) {
            jobs().startAt(m.step());
        } else {
            joining = true;
            queue.addFirst(jobs().restore(m));
        }
        drainQueue();
        return this;
    }

    /**
     * Whole-cluster restart: this replica (waiting for its starting state) loads a durable copy
     * first; the coordinator then says where it starts (SyncFrom) — or, if it could not read
     * one, gives it a peer's state later.
     */
    private Behavior<Command> onLoadCheckpoint(WorkerProtocol.LoadCheckpoint m) {
        if (awaitingState) {
            queue.addFirst(jobs().load(m));
            drainQueue();
        }
        return this;
    }

    /**
     * Excluded while frozen or cut off: what is queued is stale. Keep the replica (its data and
     * model are built), register again and wait for a live peer's state, like a joiner.
     */
    private Behavior<Command> onResync(Resync m) {
        if (jobs == null || resyncing) {
            return this;
        }
        getContext().getLog().warn("worker {} excluded by the coordinator ({}): dropping {} queued jobs, registering"
                + " again to load a live peer's state", settings.workerId(), m.reason(), queue.size());
        resyncing = true;
        nonce = ClusterSecret.nonce(); // a new registration, a new session
        awaitingState = true;
        joining = false;
        queue.clear();
        timers.startTimerWithFixedDelay("register", new RegisterTick(), Duration.ZERO, Duration.ofSeconds(2));
        return this;
    }

    private Behavior<Command> enqueue(Jobs.Job job) {
        queue.addLast(job);
        drainQueue();
        return this;
    }

    /** Starts the next job when none runs; nothing runs before the replica knows its starting state. */
    private void drainQueue() {
        while (!running && !queue.isEmpty() && (!awaitingState || queue.peekFirst() instanceof Jobs.Load)) {
            Jobs.Job next = queue.removeFirst();
            running = true;
            getContext().pipeToSelf(next.run(), (ok, error) -> new JobDone(next.describe(), error));
        }
    }

    private Behavior<Command> onJobDone(JobDone m) {
        running = false;
        if (m.error() != null && (awaitingState || Jobs.unreachablePayload(m.error()))) {
            // work for a coordinator that is gone, or a payload whose node is gone: not a fault of
            // this replica — register again and let the coordinator say where to continue
            getContext().getLog().warn("{} abandoned: {}", m.what(), m.error().toString());
            onResync(new Resync(m.what() + " could not fetch its payload"));
            reportReady();
            return this;
        }
        if (m.error() != null) {
            getContext().getLog().error("{} failed", m.what(), m.error());
            coordinator.tell(new CoordinatorProtocol.WorkerFailed(settings.workerId(), m.what(), String.valueOf(m.error())));
            return stop(m.what() + " failed: " + m.error());
        }
        // a joiner is caught up once its restored state has every commit that has arrived
        if (joining && queue.stream().noneMatch(j -> j instanceof Jobs.Apply)) {
            coordinator.tell(new CoordinatorProtocol.SyncCompleted(settings.workerId(), jobs.lastApplied()));
            joining = false;
        }
        drainQueue();
        reportReady();
        return this;
    }

    private Behavior<Command> stop(String why) {
        stopping = true;
        getContext().getLog().info("worker {} stops: {}", settings.workerId(), why);
        if (jobs != null) {
            thread.execute(jobs::close);
        }
        onStop.run();
        return Behaviors.stopped();
    }
}
