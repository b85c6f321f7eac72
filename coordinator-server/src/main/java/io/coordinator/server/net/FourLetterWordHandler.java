package io.coordinator.server.net;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * First handler of a new connection: looks at its first 4 bytes. A known four-letter word is answered
 * in plain text and the connection closed; anything else (including an unknown word, which then reads as
 * an oversized frame length) is passed on untouched and this handler leaves the pipeline.
 */
public final class FourLetterWordHandler extends ByteToMessageDecoder {
    private static final Logger LOG = LoggerFactory.getLogger(FourLetterWordHandler.class);

    private final FourLetterWords words;
    private final NettyClientConnection connection;
    private boolean answered;

    public FourLetterWordHandler(FourLetterWords words, NettyClientConnection connection) {
        this.words = words;
        this.connection = connection;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (answered) {
            in.skipBytes(in.readableBytes());
            return;
        }
        if (in.readableBytes() < 4) {
            return;
        }
        String word = FourLetterWords.knownWord(in.getInt(in.readerIndex()));
        if (word != null) {
            connection.frameReceived(); // ZooKeeper counts the word as a received packet before running it
        }
        if (word == null) {
            ctx.pipeline().remove(this); // hands the buffered bytes to the frame decoder
            return;
        }
        // Like ZooKeeper, stop reading before running the word: cons then shows this connection as [0].
        connection.stopReading();
        String reply = words.execute(word);
        answered = true;
        in.skipBytes(in.readableBytes()); // a trailing newline from echo/nc is ignored
        if (reply == null) {
            ctx.close(); // telnet's close sequence: nothing to say
            return;
        }
        LOG.info("Processing {} command from {}", word, ctx.channel().remoteAddress());
        ctx.writeAndFlush(Unpooled.wrappedBuffer(reply.getBytes(StandardCharsets.UTF_8)))
                .addListener(ChannelFutureListener.CLOSE);
    }
}
