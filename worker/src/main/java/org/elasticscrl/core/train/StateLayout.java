package org.elasticscrl.core.train;

import java.util.List;

/**
 * Where each named tensor of a replica's state lives in its flat arrays: {@code online} (also
 * the layout of the LARS momentum), {@code target} and {@code buffers} (BatchNorm running
 * statistics of both networks). Names are torchvision's under a module prefix, e.g.
 * {@code backbone.layer1.0.bn1.weight}, {@code target.projector.net.0.weight}.
 */
public record StateLayout(String id, List<Slot> online, List<Slot> target, List<Slot> buffers) {
    /** One tensor: name, shape, offset and length in its flat array. */
    public record Slot(String name, long[] shape, long offset, long size) {}

    static StateLayout of(String id, Networks nets) {
        return new StateLayout(id, slots(nets.online), slots(nets.target), slots(nets.buffers));
    }

    private static List<Slot> slots(Slab slab) {
        return slab.entries().stream()
                .map(e -> new Slot(e.name(), e.shape().getShape(), e.offset(), e.size()))
                .toList();
    }
}
