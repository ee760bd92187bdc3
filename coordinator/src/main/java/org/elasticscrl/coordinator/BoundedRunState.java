package org.elasticscrl.coordinator;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.KryoException;
import com.esotericsoftware.kryo.Serializer;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * {@link RunState} on the wire: a version, then the fields in order; strings as a length and UTF-8
 * bytes, the length checked against a limit and against the bytes remaining before anything is
 * allocated. A record of a newer version (more fields after these) is read as far as this one knows;
 * fields an older one lacks would take defaults — so a standby of another release reads what it can.
 */
final class BoundedRunState extends Serializer<RunState> {
    static final int VERSION = 3; // 2: the layout after the fields of 1; 3: the earlier epoch sums after those
    /** Run ids are directory names: far shorter than this. */
    static final int MAX_STRING_BYTES = 1024;
    /** Earlier epoch sums (one per replayable commit): far more than any replay window needs. */
    static final int MAX_EARLIER = 4096;

    @Override
    public void write(Kryo kryo, Output out, RunState s) {
        out.writeVarInt(VERSION, true);
        byte[] id = s.runId().getBytes(StandardCharsets.UTF_8);
        if (id.length > MAX_STRING_BYTES) {
            throw new KryoException("run id of " + id.length + " bytes is over " + MAX_STRING_BYTES);
        }
        out.writeVarInt(id.length, true);
        out.writeBytes(id);
        out.writeVarLong(s.committedStep(), false);
        out.writeVarInt(s.membershipEpoch(), false);
        out.writeVarInt(s.datasetSize(), false);
        out.writeVarInt(s.generation(), false);
        out.writeDouble(s.epochLossSum());
        out.writeVarLong(s.epochSamples(), false);
        out.writeBoolean(s.finished());
        out.writeVarInt(s.gradientValues(), true);
        out.writeVarInt(s.statisticValues(), true);
        if (s.earlier().size() > MAX_EARLIER) {
            throw new KryoException(s.earlier().size() + " earlier epoch sums are over " + MAX_EARLIER);
        }
        out.writeVarInt(s.earlier().size(), true);
        for (RunState.Sums e : s.earlier()) {
            out.writeDouble(e.lossSum());
            out.writeVarLong(e.samples(), false);
        }
    }

    @Override
    public RunState read(Kryo kryo, Input in, Class<? extends RunState> type) {
        int version = in.readVarInt(true);
        if (version < 1) {
            throw new KryoException("run state version " + version + " is not one this node knows");
        }
        int length = in.readVarInt(true);
        int remaining = in.limit() - in.position();
        if (length < 0 || length > MAX_STRING_BYTES || length > remaining) {
            throw new KryoException("run id of " + length + " bytes declared, " + remaining + " remain (at most "
                    + MAX_STRING_BYTES + ")");
        }
        String runId = new String(in.readBytes(length), StandardCharsets.UTF_8);
        RunState s = new RunState(runId, in.readVarLong(false), in.readVarInt(false), in.readVarInt(false),
                in.readVarInt(false), in.readDouble(), in.readVarLong(false), in.readBoolean(),
                version >= 2 ? in.readVarInt(true) : 0, version >= 2 ? in.readVarInt(true) : 0,
                version >= 3 ? earlier(in) : List.of());
        in.setPosition(in.limit()); // fields of a newer version after these: not ours to read
        return s;
    }

    private static List<RunState.Sums> earlier(Input in) {
        int n = in.readVarInt(true);
        int remaining = in.limit() - in.position();
        if (n < 0 || n > MAX_EARLIER || n > remaining / 9) { // each is at least 8 + 1 bytes
            throw new KryoException(n + " earlier epoch sums declared, " + remaining + " bytes remain (at most "
                    + MAX_EARLIER + ")");
        }
        List<RunState.Sums> sums = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            sums.add(new RunState.Sums(in.readDouble(), in.readVarLong(false)));
        }
        return sums;
    }
}
