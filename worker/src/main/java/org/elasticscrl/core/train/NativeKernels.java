package org.elasticscrl.core.train;

import org.elasticscrl.config.ScrlConfig;
import org.elasticscrl.platform.KernelPolicy;

/**
 * The learning core's side of {@link KernelPolicy}: a replica is only built in a JVM whose native
 * kernels give what its configuration promises. oneDNN reads its ISA cap once, from the environment the
 * JVM started with, so a JVM started without it cannot be fixed from Java — it is refused with what to set.
 * Every way this project starts a computing JVM sets it (the {@code scrl} command relaunches itself,
 * child JVMs get it, the build's test JVMs too); this check catches any other way.
 */
public final class NativeKernels {
    private NativeKernels() {}

    /** The decision for {@code cfg} in this JVM; throws if the JVM was started without it. */
    public static KernelPolicy.Decision require(ScrlConfig cfg) {
        KernelPolicy.Decision d = KernelPolicy.forThisJvm(KernelPolicy.Choice.of(cfg.train().deterministic()));
        if (!d.satisfied()) {
            StringBuilder why = new StringBuilder("this JVM was started without the native kernels its run needs (train.deterministic: "
                    + cfg.train().deterministic() + "): start it with");
            d.toSet().forEach((k, v) -> why.append(' ').append(k).append('=').append(v));
            why.append(" in its environment (the scrl command and its child JVMs set it themselves); ")
                    .append(String.join("; ", d.reasons()));
            throw new IllegalStateException(why.toString());
        }
        if (cfg.train().deterministic() && ai.djl.engine.Engine.getInstance().defaultDevice().isGpu()) {
            throw new IllegalStateException("train.deterministic: true cannot be kept on a GPU: DJL has no switch for"
                    + " cuDNN's deterministic algorithms; set --train/deterministic=false (replicas still agree)");
        }
        return d;
    }
}
