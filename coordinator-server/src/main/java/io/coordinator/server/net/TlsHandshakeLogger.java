package io.coordinator.server.net;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.ssl.NotSslRecordException;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sits right behind the secure client port's SslHandler: logs a failed handshake in one line (a plain-text
 * client, an untrusted or missing certificate) and keeps its exception from reaching the handlers behind,
 * which would log it as an unexpected error. The SslHandler closes the connection itself. Counts handshakes in
 * flight and failed ones (ZooKeeper's outstanding_tls_handshake and auth_failed_count).
 */
final class TlsHandshakeLogger extends ChannelInboundHandlerAdapter {
    private static final Logger LOG = LoggerFactory.getLogger(TlsHandshakeLogger.class);

    private final ServerStats stats;
    private boolean inFlight;

    TlsHandshakeLogger(ServerStats stats) {
        this.stats = stats;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        inFlight = true;
        stats.tlsHandshakeStarted();
        ctx.fireChannelActive();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        ended(false); // closed before the SslHandler reported the handshake's end
        ctx.fireChannelInactive();
    }

    private void ended(boolean failed) {
        if (inFlight) {
            inFlight = false;
            stats.tlsHandshakeEnded(failed);
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof SslHandshakeCompletionEvent done) {
            ended(!done.isSuccess());
            if (!done.isSuccess()) {
                LOG.info(
                        "TLS handshake with client {} on the secure client port failed: {}",
                        ctx.channel().remoteAddress(),
                        describe(done.cause()));
                ctx.close();
            } else {
                ctx.pipeline().remove(this); // from now on, errors are the connection's own business
            }
            return;
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (isTlsFailure(cause)) {
            ctx.close(); // reported by userEventTriggered
            return;
        }
        ctx.fireExceptionCaught(cause);
    }

    static boolean isTlsFailure(Throwable cause) {
        Throwable c = cause instanceof DecoderException && cause.getCause() != null ? cause.getCause() : cause;
        return c instanceof SSLException;
    }

    /** The failure in words: the handshake exception's message and, when it adds something, its root cause's. */
    static String describe(Throwable cause) {
        Throwable c = cause instanceof DecoderException && cause.getCause() != null ? cause.getCause() : cause;
        if (c instanceof NotSslRecordException) {
            return "it did not speak TLS";
        }
        String text = c.getMessage() == null ? c.toString() : c.getMessage();
        Throwable root = c;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        if (root != c && root.getMessage() != null && !text.contains(root.getMessage())) {
            text = text + ": " + root.getMessage();
        }
        return text;
    }
}
