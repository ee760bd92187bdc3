package org.elasticscrl.core.train;

/**
 * The complete state of a replica: committed steps, online slab (backbone, projector, local
 * projector with objective {@code byol_lc}, predictor, evaluator), target slab (the EMA of the
 * online slab's head: backbone, projector, local projector), LARS momentum, and BatchNorm running
 * statistics of both networks.
 * {@code layout} identifies the architecture; restoring into another one is refused.
 */
public record TrainingState(String layout, long step, float[] online, float[] target,
        float[] momentum, float[] buffers) {}
