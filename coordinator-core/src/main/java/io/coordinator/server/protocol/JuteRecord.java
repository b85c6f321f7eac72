package io.coordinator.server.protocol;

/** Something with a jute encoding. */
public interface JuteRecord {
    void write(JuteWriter out);

    default byte[] toBytes() {
        JuteWriter w = new JuteWriter();
        write(w);
        return w.toByteArray();
    }
}
