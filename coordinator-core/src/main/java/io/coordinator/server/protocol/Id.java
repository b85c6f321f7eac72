package io.coordinator.server.protocol;

/** An identity: scheme (world, auth, digest, ip, super) and id. Either may arrive null from Kazoo. */
public record Id(String scheme, String id) implements JuteRecord {
    public static final Id ANYONE = new Id("world", "anyone");

    public static Id read(JuteReader in) {
        return new Id(in.readString(), in.readString());
    }

    @Override
    public void write(JuteWriter out) {
        out.writeString(scheme).writeString(id);
    }
}
