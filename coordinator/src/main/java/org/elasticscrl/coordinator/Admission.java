package org.elasticscrl.coordinator;

import java.util.LinkedHashSet;
import java.util.Set;
import java.util.function.Consumer;
import org.apache.pekko.actor.typed.ActorRefResolver;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.elasticscrl.protocol.ClusterSecret;
import org.elasticscrl.protocol.CoordinatorProtocol.Query;
import org.elasticscrl.protocol.CoordinatorProtocol.RegisterWorker;
import org.elasticscrl.protocol.ScrlMessageSerializer;

/**
 * Who may register: a worker that speaks this protocol version and proves it holds the cluster's
 * secret; then, for a run with {@code train.deterministic}, one whose kernels are deterministic, on a CPU
 * (DJL has no switch for cuDNN's deterministic algorithms); and not one in a crash loop
 * ({@link CrashLoops}). Checked before anything else, so a refused node never gets the run's
 * configuration, a lease or a place in the membership. Operators' questions and orders need the same secret.
 */
final class Admission {
    /** Refusals already logged (a worker re-sends its registration until it hears back); bounded. */
    private final Set<String> logged = new LinkedHashSet<>();
    private final ClusterSecret secret;
    private final boolean deterministicRun;
    private final CrashLoops crashLoops;
    private final FreshQueries queries = new FreshQueries();

    Admission(ClusterSecret secret, boolean deterministicRun, CrashLoops crashLoops) {
        this.secret = secret;
        this.deterministicRun = deterministicRun;
        this.crashLoops = crashLoops;
    }

    Admission(ClusterSecret secret) {
        this(secret, false, new CrashLoops(Integer.MAX_VALUE));
    }

    CrashLoops crashLoops() {
        return crashLoops;
    }

    /** Why {@code m}, from the actor {@code workerRef} (serialized, with address), is refused; null if admitted. */
    String refusal(RegisterWorker m, String workerRef) {
        String who = identity(m, workerRef);
        return who != null ? who : fitness(m);
    }

    /** Whether {@code m} is from a worker of this cluster that speaks this protocol. */
    boolean proven(RegisterWorker m, String workerRef) {
        return identity(m, workerRef) == null;
    }

    /** Why {@code m} is not from a worker of this cluster that speaks this protocol, or null. */
    private String identity(RegisterWorker m, String workerRef) {
        if (!m.workerId().matches(org.elasticscrl.protocol.WireLimits.ID_PATTERN)) {
            return "its id '" + printable(m.workerId()) + "' is not 1-128 letters, digits, '.', '_', '-', ':' or '@'";
        }
        if (m.protocolVersion() != ScrlMessageSerializer.PROTOCOL_VERSION) {
            return "it speaks protocol version " + m.protocolVersion() + ", this cluster speaks "
                    + ScrlMessageSerializer.PROTOCOL_VERSION + ": run the same scrl release on every node";
        }
        return secret.refusal(m.secretFingerprint(), m.credential(), m.workerId(), workerRef, m.nonce());
    }

    /** Why this cluster's worker {@code m} may not compute for this run, or null. */
    private String fitness(RegisterWorker m) {
        if (deterministicRun && !m.device().equals("cpu")) {
            return "it computes on " + m.device() + " and this run sets train.deterministic: true, which a GPU cannot"
                    + " keep here (DJL has no switch for cuDNN's deterministic algorithms); run GPU pools with"
                    + " train.deterministic: false";
        }
        if (deterministicRun && !m.deterministic()) {
            return "its kernels are not deterministic (" + m.kernels() + ") and this run sets train.deterministic:"
                    + " true; start it with --kernels deterministic (the default)";
        }
        return crashLoops.refusal(m.workerId());
    }

    /**
     * Refuses {@code m} if it may not register — telling the worker why, and {@code report}ing it
     * (printable id, reason) the first time — and returns true; false: admitted. Crashes a worker of this
     * cluster reports are recorded first, each {@code crashed} once (id, summary).
     */
    boolean refuse(RegisterWorker m, String workerRef, java.util.function.BiConsumer<String, String> report,
            java.util.function.BiConsumer<String, String> crashed) {
        String why = identity(m, workerRef);
        if (why == null) {
            crashLoops.record(m.workerId(), m.crashes()).forEach(s -> crashed.accept(m.workerId(), s));
            why = fitness(m);
        }
        if (why == null) {
            return false;
        }
        if (firstRefusal(workerRef, why)) {
            report.accept(printable(m.workerId()), why);
        }
        String told = secret.forPeer(why);
        m.worker().tell(new org.elasticscrl.protocol.WorkerProtocol.Refused(told,
                secret.refusalProof(m.workerId(), m.nonce(), told)));
        return true;
    }

    /**
     * Hands an operator's query to {@code answer} if its shell proves it holds the cluster secret;
     * otherwise answers why it is refused, and logs that once per shell address and reason.
     */
    void ifAdmitted(Query q, ActorContext<?> ctx, Consumer<Query> answer) {
        String replyRef = ActorRefResolver.get(ctx.getSystem()).toSerializationFormat(q.replyTo());
        String why = secret.queryRefusal(q.secretFingerprint(), q.credential(), q.command(), q.argument(), replyRef,
                q.nonce(), q.unixMillis());
        if (why == null && secret.isSet()) {
            why = queries.refusal(q.nonce(), q.unixMillis(), System.currentTimeMillis());
        }
        if (why == null) {
            answer.accept(q);
            return;
        }
        // once per shell, order and reason (a shell's periodic hello must not hide its later orders' refusals)
        if (firstRefusal(q.replyTo().path().address() + " " + q.command(), why)) {
            ctx.getLog().warn("refused an operator's '{}' from {}: {}", q.command(), q.replyTo().path().address(), why);
        }
        q.replyTo().tell(Operators.error("refused: " + secret.forPeer(why)));
    }

    /** True the first time this worker ref is refused for this reason: log it once, not per retry. */
    boolean firstRefusal(String workerRef, String reason) {
        if (logged.size() >= 1024) {
            logged.remove(logged.iterator().next()); // a flood of intruders cannot grow this without bound
        }
        return logged.add(workerRef + "\n" + reason);
    }

    /** An id from an unchecked node as it may be logged: printable, at most 64 characters. */
    static String printable(String id) {
        String s = id.codePoints().map(c -> Character.isISOControl(c) ? '?' : c)
                .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append).toString();
        return s.length() > 64 ? s.substring(0, 64) + "..." : s;
    }
}
