package org.elasticscrl.core.train;

import java.util.ArrayList;
import java.util.List;
import org.elasticscrl.core.nn.BatchNorm;

/**
 * Which optimizer group each online tensor belongs to (REFERENCE §5.3). The reference splits by a
 * substring test on <em>its</em> parameter names ({@code encoder.1.weight}, {@code net.1.weight},
 * {@code linear.bias}, …), so the names here are first translated to the reference's: that keeps
 * its exact grouping, e.g. the stem, downsample and head BatchNorm weights stay in the LARS group.
 */
public final class ParamGroups {
    public enum Group {
        /** LARS trust-ratio adaptation and weight decay. */
        LARS,
        /** No adaptation, no weight decay (scaled by lr again under the lr² quirk). */
        EXCLUDED,
        /** Not updated at all (the online evaluator when online evaluation is off). */
        FROZEN
    }

    /** A contiguous run of the online slab and its group. */
    public record Segment(String name, long offset, long size, Group group) {}

    private ParamGroups() {}

    /**
     * @param excludeBy {@code reference_name}, {@code param_type} or {@code none}
     * @param evaluatorFrozen whether the online evaluator is left alone
     */
    public static List<Segment> of(Slab online, String excludeBy, boolean evaluatorFrozen) {
        List<Segment> out = new ArrayList<>();
        for (Slab.Entry e : online.entries()) {
            Group g;
            if (evaluatorFrozen && e.name().startsWith("evaluator.")) {
                g = Group.FROZEN;
            } else {
                boolean excluded = switch (excludeBy) {
                    case "reference_name" -> {
                        String ref = referenceName(e.name());
                        yield ref.contains("bn") || ref.contains("bias");
                    }
                    case "param_type" -> e.tensor().owner() instanceof BatchNorm || e.name().endsWith(".bias");
                    case "none" -> false;
                    default -> throw new IllegalArgumentException("exclude_by: " + excludeBy);
                };
                g = excluded ? Group.EXCLUDED : Group.LARS;
            }
            out.add(new Segment(e.name(), e.offset(), e.size(), g));
        }
        return List.copyOf(out);
    }

    /**
     * The reference's name for one of our online tensors: the backbone is
     * {@code encoder = Sequential(*resnet.children()[:-1])} (conv1 → 0, bn1 → 1, layerK → 3+K),
     * the projector (and the LC-loss local projector) keeps its name, the predictor and evaluator
     * are separate modules.
     */
    public static String referenceName(String name) {
        if (name.startsWith("backbone.")) {
            String rest = name.substring("backbone.".length());
            if (rest.startsWith("conv1.")) {
                return "encoder.0." + rest.substring(6);
            }
            if (rest.startsWith("bn1.")) {
                return "encoder.1." + rest.substring(4);
            }
            if (rest.startsWith("layer")) {
                int k = rest.charAt(5) - '0';
                return "encoder." + (3 + k) + rest.substring(6);
            }
            throw new IllegalArgumentException("unknown backbone tensor " + name);
        }
        if (name.startsWith("projector.") || name.startsWith("local_projector.")) {
            // the local branch has no reference code: named like the projector, its BatchNorm
            // weight (net.1.weight) stays in the LARS group as the projector's does
            return name;
        }
        if (name.startsWith("predictor.")) {
            return name.substring("predictor.".length());
        }
        if (name.startsWith("evaluator.")) {
            return name.substring("evaluator.".length());
        }
        throw new IllegalArgumentException("unknown online tensor " + name);
    }
}
