package io.eventwalker.platform;

import io.eventwalker.platform.json.StrictJson;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class StrictJsonTest {

  private static Object parse(String json) throws StrictJson.MalformedJsonException {
    return StrictJson.parse(json.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void keepsTheExactTextOfNumbers() throws Exception {
    Map<?, ?> map = (Map<?, ?>) parse("{\"a\": 10.10, \"b\": 1e400, \"c\": 7, \"d\": 0.1}");
    assertThat(map.get("a")).isEqualTo(new BigDecimal("10.10"));
    assertThat(((BigDecimal) map.get("b")).compareTo(new BigDecimal("1e400"))).isZero();
    assertThat(map.get("c")).isEqualTo(new BigDecimal("7"));
    assertThat(map.get("d")).isEqualTo(new BigDecimal("0.1"));
  }

  @Test
  void readsAllJsonTypes() throws Exception {
    Object value = parse("[{\"s\":\"x\",\"t\":true,\"f\":false,\"n\":null}, [1]]");
    assertThat(value).isInstanceOf(List.class);
    Map<?, ?> first = (Map<?, ?>) ((List<?>) value).get(0);
    assertThat(first.get("s")).isEqualTo("x");
    assertThat(first.get("t")).isEqualTo(true);
    assertThat(first.get("f")).isEqualTo(false);
    assertThat(first.containsKey("n")).isTrue();
    assertThat(first.get("n")).isNull();
  }

  @ParameterizedTest
  @ValueSource(strings = {"", " ", "{", "{\"a\":1,}", "{\"a\":1}{", "{\"a\":1} x", "NaN", "{\"a\":NaN}",
    "{\"a\":Infinity}", "{'a':1}", "{\"a\":1,\"a\":2}", "[1,]", "{\"a\":01}", "// c\n{}", "\"unterminated"})
  void refusesMalformedDocuments(String json) {
    assertThatThrownBy(() -> parse(json)).isInstanceOf(StrictJson.MalformedJsonException.class);
  }

  @Test
  void refusesDeepNesting() {
    String deep = "[".repeat(StrictJson.MAX_DEPTH + 1) + "]".repeat(StrictJson.MAX_DEPTH + 1);
    assertThatThrownBy(() -> parse(deep)).isInstanceOf(StrictJson.MalformedJsonException.class);
    String fine = "[".repeat(StrictJson.MAX_DEPTH - 1) + "]".repeat(StrictJson.MAX_DEPTH - 1);
    assertThat(catchNothing(fine)).isTrue();
  }

  private static boolean catchNothing(String json) {
    try {
      parse(json);
      return true;
    } catch (StrictJson.MalformedJsonException e) {
      return false;
    }
  }
}
