package org.elasticscrl.core.train;

/**
 * The complete state of a replica: committed steps, online slab (backbone, projector, predictor,
 * evaluator), target slab, LARS momentum, and BatchNorm running statistics of both networks.
 * {@code layout} identifies the architecture; restoring into another one is refused.
 */
public record TrainingState(String layout, long step, float[] online, float[] target,
        float[] momentum, float[] buffers) {}
