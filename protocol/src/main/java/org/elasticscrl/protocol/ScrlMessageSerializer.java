package org.elasticscrl.protocol;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import java.io.NotSerializableException;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorRefResolver;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.serialization.SerializerWithStringManifest;
import org.elasticscrl.protocol.WireFormats.Format;
import org.elasticscrl.protocol.proto.ScrlProto;

/**
 * Pekko serializer of every {@link WireMessage} (bound in this module's {@code reference.conf}):
 * record ↔ Protobuf message of {@code scrl.proto}, a short stable manifest per type.
 *
 * <p>Incoming bytes are checked, never trusted: an unknown manifest, bytes that do not parse, a
 * message without or with another protocol version, each throws a {@link NotSerializableException}
 * saying which; Artery then drops the message with that log line and the node carries on. The
 * handshake ({@code RegisterWorker}, {@code Refused}) is the exception to "another version": it
 * is read whatever version it carries, so the coordinator can refuse such a node with a reason.
 *
 * <p>{@code scrl.protocol.fake-version} (testing only, 0 = off) makes this node speak another
 * version — write it and expect it — to test that such a node is refused.
 */
public final class ScrlMessageSerializer extends SerializerWithStringManifest {
    /** Version every message carries; bump it on a change old nodes cannot read. */
    public static final int PROTOCOL_VERSION = 5;
    /** Serializer id ("SCRL" on a phone keypad); persisted in every remote envelope, never change it. */
    public static final int IDENTIFIER = 7275;
    /** Read at any version; their layout in scrl.proto is frozen. */
    private static final Set<String> HANDSHAKE = Set.of("RW", "RF");
    private static final String SEALED = "SE";
    /** Messages inside a session hold no actor ref. */
    private static final WireFormats.Refs NO_REFS = new WireFormats.Refs() {
        @Override
        public String write(org.apache.pekko.actor.typed.ActorRef<?> ref) {
            throw new IllegalArgumentException("a message inside a session holds no actor ref");
        }

        @Override
        public <T> org.apache.pekko.actor.typed.ActorRef<T> read(String serialized) {
            throw new IllegalArgumentException("a message inside a session holds no actor ref");
        }
    };
    private static final int VERSION_FIELD = 15;

    private static final Map<Class<?>, Format<?, ?>> BY_CLASS = new HashMap<>();
    private static final Map<String, Format<?, ?>> BY_MANIFEST = new HashMap<>();

    static {
        for (Format<?, ?> f : WireFormats.ALL) {
            if (BY_CLASS.put(f.type(), f) != null || BY_MANIFEST.put(f.manifest(), f) != null) {
                throw new ExceptionInInitializerError("duplicate wire format " + f.type() + " / " + f.manifest());
            }
        }
    }

    private final ExtendedActorSystem system;
    private final WireFormats.Refs refs = new ResolverRefs();
    // Created on first use: the serializer may be constructed while the actor system still starts.
    private volatile ActorRefResolver resolver;
    /** The version this node writes and expects: PROTOCOL_VERSION unless faked for a test. */
    private final int speaks;

    public ScrlMessageSerializer(ExtendedActorSystem system) {
        this.system = system;
        var config = system.settings().config();
        int fake = config.hasPath("scrl.protocol.fake-version") ? config.getInt("scrl.protocol.fake-version") : 0;
        this.speaks = fake > 0 ? fake : PROTOCOL_VERSION;
    }

    /** The protocol version this node speaks (PROTOCOL_VERSION unless faked). */
    public int speaks() {
        return speaks;
    }

    @Override
    public int identifier() {
        return IDENTIFIER;
    }

    @Override
    public String manifest(Object o) {
        return o instanceof Sealed ? SEALED : formatOf(o).manifest();
    }

    @Override
    public byte[] toBinary(Object o) {
        if (o instanceof Sealed s) {
            return ScrlProto.Sealed.newBuilder().setSession(s.session()).setCounter(s.counter())
                    .setToCoordinator(s.toCoordinator()).setManifest(s.manifest()).setBody(ByteString.copyFrom(s.body()))
                    .setMac(ByteString.copyFrom(s.mac())).setProtocolVersion(speaks).build().toByteArray();
        }
        return encode(formatOf(o), (WireMessage) o);
    }

    /** A message's manifest and Protobuf bytes. */
    public record Encoded(String manifest, byte[] bytes) {}

    /** The bytes of a message that travels inside a session (it holds no actor ref). */
    static Encoded encodeSealable(WireMessage m) {
        Format<?, ?> f = formatOf(m);
        if (!WireFormats.SEALABLE.contains(f.manifest())) {
            throw new IllegalArgumentException(m.getClass().getSimpleName() + " does not travel inside a session");
        }
        return new Encoded(f.manifest(), encodeWith(f, m, NO_REFS));
    }

    @Override
    public Object fromBinary(byte[] bytes, String manifest) throws NotSerializableException {
        if (SEALED.equals(manifest)) {
            return unseal(bytes);
        }
        Format<?, ?> f = BY_MANIFEST.get(manifest);
        if (f == null) {
            throw new NotSerializableException("unknown scrl manifest '" + manifest + "' (" + bytes.length
                    + " bytes): this node speaks protocol version " + speaks
                    + ", the sender another one or is not an scrl node");
        }
        return decode(f, bytes);
    }

    /** Manifests by record type, for tests and diagnostics. */
    public static Map<Class<?>, String> manifests() {
        Map<Class<?>, String> m = new HashMap<>();
        BY_CLASS.forEach((c, f) -> m.put(c, f.manifest()));
        m.put(Sealed.class, SEALED);
        return Map.copyOf(m);
    }

    /** A sealed message with its inner message read (the receiving session checks its MAC and counter). */
    private Sealed unseal(byte[] bytes) throws NotSerializableException {
        String what = "Sealed (manifest " + SEALED + ", " + bytes.length + " bytes)";
        ScrlProto.Sealed p;
        try {
            p = ScrlProto.Sealed.parseFrom(bytes);
        } catch (InvalidProtocolBufferException e) {
            throw rejected(what + " is malformed: " + e.getMessage(), e);
        }
        if (p.getProtocolVersion() == 0) {
            throw rejected(what + " carries no protocol version: truncated, corrupt or not an scrl message", null);
        }
        if (p.getProtocolVersion() != speaks) {
            throw rejected(what + " has protocol version " + p.getProtocolVersion() + " but this node speaks " + speaks,
                    null);
        }
        String over = WireLimits.violation(p);
        if (over != null) {
            throw rejected(what + " is refused: " + over, null);
        }
        Format<?, ?> f = BY_MANIFEST.get(p.getManifest());
        if (f == null || !WireFormats.SEALABLE.contains(p.getManifest())) {
            throw rejected(what + " holds manifest '" + WireLimits.shown(p.getManifest())
                    + "', which does not travel inside a session", null);
        }
        WireMessage inner;
        try {
            inner = decode(f, p.getBody().toByteArray());
        } catch (NotSerializableException e) {
            throw rejected(what + " holds a refused message: " + e.getMessage(), e);
        }
        return new Sealed(p.getSession(), p.getCounter(), p.getToCoordinator(), p.getManifest(),
                p.getBody().toByteArray(), p.getMac().toByteArray(), inner);
    }

    private static Format<?, ?> formatOf(Object o) {
        Format<?, ?> f = o == null ? null : BY_CLASS.get(o.getClass());
        if (f == null) {
            throw new IllegalArgumentException("ScrlMessageSerializer cannot serialize "
                    + (o == null ? "null" : o.getClass().getName())
                    + ": not a record of CoordinatorProtocol/WorkerProtocol with a format in WireFormats");
        }
        return f;
    }

    private <R extends WireMessage, P extends Message> byte[] encode(Format<R, P> f, WireMessage m) {
        if (speaks != PROTOCOL_VERSION) {
            return restamped(f.write().apply(f.type().cast(m), refs));
        }
        return encodeWith(f, m, refs);
    }

    private static <R extends WireMessage, P extends Message> byte[] encodeWith(Format<R, P> f, WireMessage m,
            WireFormats.Refs refs) {
        R record = f.type().cast(m);
        try {
            return f.write().apply(record, refs).toByteArray();
        } catch (NullPointerException e) {
            // Protobuf rejects nulls without naming the field: name it, so the sender's log says what.
            throw new IllegalArgumentException("cannot serialize " + m + ": " + nullFields(record), e);
        }
    }

    private <R extends WireMessage, P extends Message> R decode(Format<R, P> f, byte[] bytes)
            throws NotSerializableException {
        String what = f.type().getSimpleName() + " (manifest " + f.manifest() + ", " + bytes.length + " bytes)";
        P p;
        try {
            p = f.parser().parseFrom(bytes);
        } catch (InvalidProtocolBufferException e) {
            throw rejected(what + " is malformed: " + e.getMessage(), e);
        }
        int version = f.version().applyAsInt(p);
        if (version == 0) {
            throw rejected(what + " carries no protocol version: truncated, corrupt or not an scrl message", null);
        }
        if (version != speaks && !HANDSHAKE.contains(f.manifest())) {
            throw rejected(what + " has protocol version " + version + " but this node speaks " + speaks
                    + ": a node of another protocol version cannot join this cluster", null);
        }
        String over = WireLimits.violation(p);
        if (over != null) {
            throw rejected(what + " is refused: " + over, null);
        }
        try {
            return f.read().apply(p, refs);
        } catch (RuntimeException e) {
            throw rejected(what + " is invalid: " + e.getMessage(), e);
        }
    }

    /** The message with this node's faked version in place of PROTOCOL_VERSION. */
    private byte[] restamped(Message p) {
        Message.Builder b = p.toBuilder();
        b.setField(p.getDescriptorForType().findFieldByNumber(VERSION_FIELD), speaks);
        return b.build().toByteArray();
    }

    private static NotSerializableException rejected(String message, Throwable cause) {
        NotSerializableException e = new NotSerializableException(message);
        if (cause != null) e.initCause(cause);
        return e;
    }

    private static String nullFields(Object r) {
        if (!r.getClass().isRecord()) return "a null value";
        List<String> nulls = new ArrayList<>();
        for (RecordComponent c : r.getClass().getRecordComponents()) {
            try {
                Object v = c.getAccessor().invoke(r);
                if (v == null) nulls.add(c.getName());
                else if (v instanceof List<?> l && l.stream().anyMatch(Objects::isNull)) nulls.add(c.getName() + " (an element)");
            } catch (ReflectiveOperationException e) {
                nulls.add(c.getName() + " (unreadable: " + e + ")");
            }
        }
        return nulls.isEmpty() ? "a null value" : "null " + String.join(", ", nulls);
    }

    private ActorRefResolver resolver() {
        ActorRefResolver r = resolver;
        if (r == null) resolver = r = ActorRefResolver.get(Adapter.toTyped(system));
        return r;
    }

    /** Refs through the typed ActorRefResolver: path with the node's address, resolvable on any node. */
    private final class ResolverRefs implements WireFormats.Refs {
        @Override
        public String write(ActorRef<?> ref) {
            return resolver().toSerializationFormat(ref);
        }

        @Override
        public <T> ActorRef<T> read(String serialized) {
            if (serialized.isEmpty()) throw new IllegalArgumentException("an actor ref is empty");
            return resolver().resolveActorRef(serialized);
        }
    }
}
