package org.elasticscrl.node.downing;

import com.typesafe.config.Config;
import java.time.Duration;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.actor.Props;
import org.apache.pekko.cluster.Cluster;
import org.apache.pekko.cluster.DowningProvider;
import scala.Option;
import scala.concurrent.duration.FiniteDuration;

/**
 * The cluster's downing: {@link DowningDecision} acted on by {@link KeepMajorityDowning} on every node
 * ({@code pekko.cluster.downing-provider-class}; every node of a cluster must use the same one). Settings:
 * {@code scrl.cluster.stable-after} and {@code scrl.cluster.decide-when-unstable}. Pekko's own resolver is
 * one setting away: {@code -Dscrl.cluster.downing-provider=org.apache.pekko.cluster.sbr.SplitBrainResolverProvider}.
 */
public final class KeepMajorityDowningProvider extends DowningProvider {
    private final ActorSystem system;
    private final Duration stableAfter;
    private final Duration decideWhenUnstable;

    public KeepMajorityDowningProvider(ActorSystem system) {
        this.system = system;
        Config config = system.settings().config();
        this.stableAfter = config.getDuration("scrl.cluster.stable-after");
        this.decideWhenUnstable = config.getDuration("scrl.cluster.decide-when-unstable");
    }

    /** As Pekko's resolver: singletons of a downed side start elsewhere this long after its removal. */
    @Override
    public FiniteDuration downRemovalMargin() {
        FiniteDuration configured = Cluster.get(system).settings().DownRemovalMargin();
        return configured.length() != 0 ? configured
                : FiniteDuration.create(stableAfter.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
    }

    @Override
    public Option<Props> downingActorProps() {
        return Option.apply(KeepMajorityDowning.props(stableAfter, decideWhenUnstable));
    }
}
