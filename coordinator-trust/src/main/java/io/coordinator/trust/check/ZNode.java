package io.coordinator.trust.check;

/**
 * A znode in the checker's model. {@code czxid}/{@code mzxid} are {@link Model#UNKNOWN_ZXID} when the write
 * that set them is one the search placed without knowing its zxid; {@code cversion} counts child creations
 * (what names the next sequential child).
 */
record ZNode(String data, int version, long czxid, long mzxid, long owner, int cversion) {
    ZNode withData(String d, long zxid) {
        return new ZNode(d, version + 1, czxid, zxid, owner, cversion);
    }

    ZNode withChildCreated() {
        return new ZNode(data, version, czxid, mzxid, owner, cversion + 1);
    }
}
