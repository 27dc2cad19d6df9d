package io.eventwalker.betmaker;

import io.eventwalker.betmaker.live.TcpFrames;
import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The TCP bridge's framing, without a socket: lengths checked before a byte is kept, frames across and within reads. */
class TcpFramesTest {

  private final List<String> frames = new ArrayList<>();
  private final List<Long> refused = new ArrayList<>();
  private final TcpFrames parser = new TcpFrames(16, frame -> frames.add(frame.toString(StandardCharsets.UTF_8)), refused::add);

  private static Buffer frame(String text) {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    return Buffer.buffer().appendInt(bytes.length).appendBytes(bytes);
  }

  @Test
  void framesSplitAnywhereAndSeveralInOneReadComeOutWhole() {
    Buffer stream = frame("one").appendBuffer(frame("")).appendBuffer(frame("exactly-16-bytes")).appendBuffer(frame("two"));
    for (int i = 0; i < stream.length(); i++) {
      parser.handle(stream.getBuffer(i, i + 1)); // a byte at a time: the length split too
    }
    parser.handle(frame("three").appendBuffer(frame("four")));
    assertThat(frames).containsExactly("one", "", "exactly-16-bytes", "two", "three", "four");
    assertThat(refused).isEmpty();
  }

  @Test
  void aLengthOverTheLimitStopsTheStreamBeforeItsBytesAreKept() {
    parser.handle(frame("fine").appendInt(17).appendBytes(new byte[17]).appendBuffer(frame("never")));
    parser.handle(frame("after"));
    assertThat(frames).containsExactly("fine");
    assertThat(refused).containsExactly(17L);
  }

  @Test
  void aHugeUnsignedLengthIsRefusedAsAnnounced() {
    parser.handle(Buffer.buffer().appendInt(0x7ffffff0));
    TcpFrames other = new TcpFrames(16, frame -> frames.add("unexpected"), refused::add);
    other.handle(Buffer.buffer().appendUnsignedInt(0xfffffff0L));
    assertThat(refused).containsExactly(0x7ffffff0L, 0xfffffff0L);
    assertThat(frames).isEmpty();
  }

  @Test
  void pausedFromAFrameItKeepsTheRestOfTheReadUntilResumed() {
    TcpFrames[] paused = new TcpFrames[1];
    paused[0] = new TcpFrames(16, frame -> {
      frames.add(frame.toString(StandardCharsets.UTF_8));
      if (frames.size() == 1) {
        paused[0].pause();
      }
    }, refused::add);
    paused[0].handle(frame("first").appendBuffer(frame("second")).appendBuffer(frame("thi")));
    assertThat(frames).containsExactly("first");
    paused[0].resume();
    assertThat(frames).containsExactly("first", "second", "thi");
  }
}
