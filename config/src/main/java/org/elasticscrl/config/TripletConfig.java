package org.elasticscrl.config;

/**
 * {@code network.triplet}: the truncated ("smoothed rank-k") triplet loss of objective
 * {@code triplet} (Wang et al., ICCV 2021; REFERENCE §10.2). Per direction and image i, with
 * {@code d_ij = −2·cos(p_i, z_j)} over the BatchNorm batch: the negative distance is the mean of
 * ranks {@code rankFrom..rankTo} of the other images' distances sorted ascending (rank 1 = the
 * nearest), and the loss {@code max(0, γ·d_ii − d_neg + margin)}.
 *
 * @param margin the margin-ranking margin (100 in the repository: the hinge is always active)
 * @param gamma weight γ of the positive distance (2 in the repository)
 * @param rankFrom first averaged rank (2: the nearest, likely a false negative, is dropped)
 * @param rankTo last averaged rank (10)
 */
public record TripletConfig(double margin, double gamma, int rankFrom, int rankTo) {
    public TripletConfig {
        Check.nonNegative("network.triplet.margin", margin);
        Check.positive("network.triplet.gamma", gamma);
        Check.atLeast("network.triplet.rank_from", rankFrom, 1);
        if (rankTo < rankFrom) {
            throw ConfigException.invalid("network.triplet.rank_to", rankTo,
                    "an integer >= network.triplet.rank_from (" + rankFrom + ")");
        }
    }
}
