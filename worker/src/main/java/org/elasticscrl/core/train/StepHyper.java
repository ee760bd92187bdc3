package org.elasticscrl.core.train;

/** The step's learning rate, EMA momentum τ and weight decay: pure functions of the global step. */
public record StepHyper(double lr, double tau, double weightDecay) {}
