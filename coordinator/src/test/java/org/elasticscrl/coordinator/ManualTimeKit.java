package org.elasticscrl.coordinator;

import com.typesafe.config.ConfigFactory;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ManualTime;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * Coordinator actor tests on one test kit per class whose time is manual: lease deadlines and replication
 * timeouts expire exactly when a test says, never on a slow machine.
 */
abstract class ManualTimeKit {
    static ActorTestKit kit;
    static ManualTime time;

    @BeforeAll
    static void startKit() {
        kit = ActorTestKit.create(ManualTime.config().withFallback(ConfigFactory.load()));
        time = ManualTime.get(kit.system());
    }

    @AfterAll
    static void stopKit() {
        kit.shutdownTestKit();
    }
}
