package io.eventwalker.betmaker.live;

import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;

import java.util.function.LongConsumer;

/**
 * The TCP bridge's framing: each frame is a 4-byte big-endian length, then that many bytes. The
 * length is checked as soon as its 4 bytes are in, before a byte of the frame is kept: a frame
 * announced larger than the limit stops the stream ({@code tooLarge} gets the length announced), so
 * a connection holds at most one frame's bytes, never more than the limit. Frames may be split over
 * reads and reads may hold several frames; {@link #pause()} (from a frame's handler) keeps the rest
 * of the read until {@link #resume()}.
 */
public final class TcpFrames implements Handler<Buffer> {

  private final int maxFrameBytes;
  private final Handler<Buffer> frames;
  private final LongConsumer tooLarge;
  private final byte[] length = new byte[4];
  private int lengthRead;
  private Buffer frame;
  private int frameLength;
  private Buffer unread;
  private int unreadFrom;
  private boolean paused;
  private boolean stopped;

  public TcpFrames(int maxFrameBytes, Handler<Buffer> frames, LongConsumer tooLarge) {
    this.maxFrameBytes = maxFrameBytes;
    this.frames = frames;
    this.tooLarge = tooLarge;
  }

  @Override
  public void handle(Buffer read) {
    if (stopped) {
      return;
    }
    if (unread == null) {
      unread = read;
    } else { // a read while paused: the socket's own pause stops reads, but this costs nothing to keep right
      unread = unread.getBuffer(unreadFrom, unread.length()).appendBuffer(read);
    }
    unreadFrom = 0;
    consume();
  }

  public void pause() {
    paused = true;
  }

  public void resume() {
    paused = false;
    consume();
  }

  private void consume() {
    while (!paused && !stopped && unread != null && unreadFrom < unread.length()) {
      if (frame == null) {
        readLength();
      } else {
        readFrame();
      }
    }
    if (unread != null && unreadFrom >= unread.length()) {
      unread = null;
    }
  }

  private void readLength() {
    while (lengthRead < 4 && unreadFrom < unread.length()) {
      length[lengthRead++] = unread.getByte(unreadFrom++);
    }
    if (lengthRead < 4) {
      return;
    }
    lengthRead = 0;
    long announced = ((length[0] & 0xFFL) << 24) | ((length[1] & 0xFFL) << 16) | ((length[2] & 0xFFL) << 8) | (length[3] & 0xFFL);
    if (announced > maxFrameBytes) {
      stopped = true;
      unread = null;
      tooLarge.accept(announced);
      return;
    }
    frameLength = (int) announced;
    frame = Buffer.buffer(Math.min(frameLength, unread.length() - unreadFrom));
    if (frameLength == 0) {
      complete();
    }
  }

  private void readFrame() {
    int take = Math.min(frameLength - frame.length(), unread.length() - unreadFrom);
    frame.appendBuffer(unread, unreadFrom, take);
    unreadFrom += take;
    if (frame.length() == frameLength) {
      complete();
    }
  }

  private void complete() {
    Buffer whole = frame;
    frame = null;
    frames.handle(whole);
  }
}
