package org.elasticscrl.core.run;

import org.elasticscrl.core.train.TrainingState;

/**
 * What a checkpoint holds: the replica's complete state plus the trainer's position — the last
 * finished epoch, the best online-evaluation score and its epoch — and the resolved
 * configuration it was trained with (YAML).
 */
public record Checkpoint(TrainingState state, int epoch, double bestScore, int bestEpoch, String config) {}
