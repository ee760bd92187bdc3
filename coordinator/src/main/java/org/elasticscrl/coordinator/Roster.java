package org.elasticscrl.coordinator;

/** What the coordinator's parts (steps, state sync, checkpoints) ask of its membership side. */
interface Roster {
    void drain(String workerSpec, String why);

    void release(String workerId, String reason);

    /** A line of membership.csv and the log. */
    void event(String worker, String what, String detail);
}
