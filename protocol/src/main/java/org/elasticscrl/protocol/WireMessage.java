package org.elasticscrl.protocol;

/**
 * Marker of every message that crosses a node boundary; bound to {@code ScrlMessageSerializer},
 * which writes it as a Protobuf message of {@code scrl.proto} carrying the protocol version.
 */
public interface WireMessage {}
