package org.elasticscrl.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import java.io.NotSerializableException;
import java.time.Duration;
import java.util.List;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorRefResolver;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.event.Logging;
import org.elasticscrl.protocol.CoordinatorProtocol.WorkerFailed;
import org.junit.jupiter.api.Test;

/**
 * A live node that receives corrupt frames over Artery — truncated, garbage, empty, another
 * protocol version — logs each with the reason, drops it, and goes on receiving: the next good
 * message on the same connection arrives.
 */
class CorruptFrameTest {
    @Test
    void aNodeDropsCorruptMessagesWithALogLineAndKeepsReceiving() {
        ActorTestKit receiver = ActorTestKit.create("receiver", ScrlMessageSerializerTest.config());
        ActorTestKit faulty = ActorTestKit.create("faulty", ConfigFactory.parseString(
                "pekko.actor.serializers.scrl = \"org.elasticscrl.protocol.CorruptingSerializer\"")
                .withFallback(ScrlMessageSerializerTest.config()));
        try {
            TestProbe<CoordinatorProtocol.Command> inbox = receiver.createTestProbe(CoordinatorProtocol.Command.class);
            TestProbe<Logging.Error> errors = receiver.createTestProbe(Logging.Error.class);
            Adapter.toClassic(receiver.system()).eventStream()
                    .subscribe(Adapter.toClassic(errors.getRef()), Logging.Error.class);
            ActorRef<CoordinatorProtocol.Command> remote = ActorRefResolver.get(faulty.system())
                    .resolveActorRef(ActorRefResolver.get(receiver.system()).toSerializationFormat(inbox.getRef()));

            var first = new WorkerFailed("w-1", "lease 1", "a good message before");
            remote.tell(first);
            assertEquals(first, inbox.receiveMessage(Duration.ofSeconds(20)), "the connection works");

            List<String> modes = List.of("truncate", "garbage", "empty", "version");
            for (String mode : modes) {
                remote.tell(new WorkerFailed("corrupt", mode, "x".repeat(40)));
            }
            var after = new WorkerFailed("w-1", "lease 2", "a good message after");
            remote.tell(after);
            // in order on one connection: had a corrupt one been delivered, it would come first
            assertEquals(after, inbox.receiveMessage(Duration.ofSeconds(20)));
            inbox.expectNoMessage(Duration.ofMillis(300));

            List<String> reasons = List.of("is malformed", "is malformed", "carries no protocol version",
                    "has protocol version 9 but this node speaks " + ScrlMessageSerializer.PROTOCOL_VERSION);
            for (String reason : reasons) {
                Logging.Error e = errors.receiveMessage(Duration.ofSeconds(5));
                assertTrue(String.valueOf(e.message()).startsWith("Failed to deserialize message from [pekko://faulty@"),
                        String.valueOf(e.message()));
                assertInstanceOf(NotSerializableException.class, e.cause());
                assertTrue(e.cause().getMessage().startsWith("WorkerFailed (manifest WF, ")
                        && e.cause().getMessage().contains(reason), e.cause().getMessage());
            }
        } finally {
            faulty.shutdownTestKit();
            receiver.shutdownTestKit();
        }
    }
}
