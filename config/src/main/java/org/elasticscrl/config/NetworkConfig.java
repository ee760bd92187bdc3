package org.elasticscrl.config;

import java.util.List;

/**
 * {@code network}: backbone, heads and target network.
 *
 * @param name {@code resnet18 | resnet34 | resnet50 | resnet101} (torchvision architectures)
 * @param width base width of the ResNet (64 in torchvision); smaller for CPU presets
 * @param stem {@code imagenet} (7x7/2 conv + 3x3/2 max-pool, total stride 32) or {@code small}
 *     (3x3/1 conv, no pool, total stride 8) for small images
 * @param targetInit {@code independent} (the SCRL code: the target keeps its own random init) or
 *     {@code copy} (BYOL: the target starts as a copy of the online network)
 * @param lc the local contrastive loss of objective {@code byol_lc}
 * @param triplet the truncated triplet loss of objective {@code triplet}
 */
public record NetworkConfig(
        String name,
        int width,
        String stem,
        String targetInit,
        ProjHeadConfig projHead,
        ScrlBoxConfig scrl,
        LcConfig lc,
        TripletConfig triplet) {
    public static final List<String> NAMES = List.of("resnet18", "resnet34", "resnet50", "resnet101");
    public static final List<String> STEMS = List.of("imagenet", "small");
    public static final List<String> TARGET_INITS = List.of("independent", "copy");

    public NetworkConfig {
        name = Check.oneOf("network.name", name, NAMES);
        Check.atLeast("network.width", width, 1);
        stem = Check.oneOf("network.stem", stem, STEMS);
        targetInit = Check.oneOf("network.target_init", targetInit, TARGET_INITS);
        Check.require(projHead != null, "network.proj_head: missing section");
        Check.require(scrl != null, "network.scrl: missing section");
        Check.require(lc != null, "network.lc: missing section");
        Check.require(triplet != null, "network.triplet: missing section");
        int featureDim = featureDim(name, width);
        if (projHead.inputSize() != featureDim) {
            throw new ConfigException(
                    "network.proj_head.input_size: '" + projHead.inputSize() + "' does not match the"
                            + " backbone; " + name + " with width " + width + " gives "
                            + featureDim + "-d features, so expected " + featureDim);
        }
    }

    /** ResNet depth: 18, 34, 50 or 101. */
    public int depth() {
        return Integer.parseInt(name.substring("resnet".length()));
    }

    /** Channels of the pooled feature: 8·width for basic blocks, 32·width for bottlenecks. */
    public static int featureDim(String name, int width) {
        return name.equals("resnet18") || name.equals("resnet34") ? 8 * width : 32 * width;
    }

    public int featureDim() {
        return featureDim(name, width);
    }

    /** Total downsampling factor of the backbone: 32 with the ImageNet stem, 8 with the small one. */
    public int stride() {
        return stem.equals("imagenet") ? 32 : 8;
    }
}
