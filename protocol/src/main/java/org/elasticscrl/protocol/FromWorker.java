package org.elasticscrl.protocol;

/**
 * A message a worker sends about itself. It counts only inside that worker's session ({@link Session}):
 * the coordinator checks that {@link #workerId} is the session's, so one member cannot act for another.
 */
public interface FromWorker {
    String workerId();
}
