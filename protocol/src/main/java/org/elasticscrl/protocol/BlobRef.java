package org.elasticscrl.protocol;

/**
 * Where a tensor payload can be fetched: a node's blob server and the payload's id. Tensors never
 * travel inside Artery messages; the message carries this reference and the receiver streams the
 * bytes over a separate TCP connection, so heartbeats and control messages are never stuck
 * behind a gradient.
 */
public record BlobRef(String host, int port, long id, long bytes) {}
