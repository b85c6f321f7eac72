package io.coordinator.jmh;

import io.coordinator.server.protocol.Acl;
import io.coordinator.server.protocol.JuteReader;
import io.coordinator.server.protocol.JuteWriter;
import io.coordinator.server.protocol.OpCode;
import io.coordinator.server.protocol.Requests;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;

/** Frame bodies: decode (Requests.decode over a JuteReader) and encode (Requests.encode into a JuteWriter). */
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class ProtocolBench extends ShortRun {

    @Param({"100"})
    public int valueSize;

    private Requests.SetData setData;
    private Requests.PathWatch getData;
    private Requests.Create create;
    private byte[] setDataBytes;
    private byte[] getDataBytes;
    private byte[] createBytes;

    @Setup
    public void setup() {
        setData = new Requests.SetData("/bench-1234/n7", new byte[valueSize], -1);
        getData = new Requests.PathWatch("/bench-1234/n7", false);
        create = new Requests.Create("/bench-1234/n7/e-", new byte[valueSize], Acl.OPEN_ACL_UNSAFE, 3, -1);
        setDataBytes = encode(OpCode.SET_DATA, setData);
        getDataBytes = encode(OpCode.GET_DATA, getData);
        createBytes = encode(OpCode.CREATE, create);
    }

    private static byte[] encode(int type, Requests.Body body) {
        JuteWriter w = new JuteWriter();
        Requests.encode(type, body, w);
        return w.toByteArray();
    }

    @Benchmark
    public Requests.Body decodeSetData() {
        return Requests.decode(OpCode.SET_DATA, new JuteReader(setDataBytes));
    }

    @Benchmark
    public Requests.Body decodeGetData() {
        return Requests.decode(OpCode.GET_DATA, new JuteReader(getDataBytes));
    }

    @Benchmark
    public Requests.Body decodeCreate() {
        return Requests.decode(OpCode.CREATE, new JuteReader(createBytes));
    }

    @Benchmark
    public byte[] encodeSetData() {
        return encode(OpCode.SET_DATA, setData);
    }

    @Benchmark
    public byte[] encodeCreate() {
        return encode(OpCode.CREATE, create);
    }

    /** A getData reply body as the server writes it: data buffer + the 11 Stat fields. */
    @Benchmark
    public byte[] encodeGetDataReply() {
        JuteWriter w = new JuteWriter(valueSize + 128);
        w.writeInt(0).writeInt(7).writeLong(42L).writeInt(0); // reply header: xid, zxid, err
        w.writeBuffer(setData.data());
        w.writeLong(1)
                .writeLong(2)
                .writeLong(3)
                .writeLong(4)
                .writeInt(5)
                .writeInt(6)
                .writeInt(7)
                .writeLong(0)
                .writeInt(valueSize)
                .writeInt(0)
                .writeLong(8);
        return w.toByteArray();
    }
}
