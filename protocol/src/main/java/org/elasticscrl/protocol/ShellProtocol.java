package org.elasticscrl.protocol;

/** What the coordinator sends to an operator's shell. */
public interface ShellProtocol {
    /** Root of the shell's messages. */
    interface Command extends WireMessage {}

    /** The answer to a query, as JSON; {@code ok} false: {@code json} is {@code {"error": why}}. */
    record Answer(boolean ok, String json) implements Command {}
}
