package io.eventwalker.betmaker;

import io.eventwalker.platform.batching.GroupQueue;
import io.vertx.core.Promise;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Group commit: what waits while groups are out goes together, in groups of at most the maximum. */
class GroupQueueTest {

  private record Item(String owner, int size, boolean wanted) {
    Item(String owner, int size) {
      this(owner, size, true);
    }
  }

  private final List<List<Item>> written = new ArrayList<>();
  private final List<Promise<Void>> writes = new ArrayList<>();
  private final List<Item> dropped = new ArrayList<>();

  private GroupQueue<Item> queue(int inFlight, int groupMax) {
    return new GroupQueue<>(inFlight, groupMax, Item::size, Item::owner, (item, now) -> {
      if (!item.wanted()) {
        dropped.add(item);
      }
      return item.wanted();
    }, group -> {
      written.add(group);
      Promise<Void> done = Promise.promise();
      writes.add(done);
      return done.future();
    });
  }

  @Test
  void whatArrivesWhileGroupsAreOutGoesAsTheNextGroup() {
    GroupQueue<Item> queue = queue(1, 100);
    Item first = new Item("p", 1);
    queue.add(first);
    assertThat(written).containsExactly(List.of(first));
    Item a = new Item("p", 2);
    Item b = new Item("q", 3);
    queue.add(a);
    queue.add(b);
    assertThat(queue.waiting()).isEqualTo(5);
    assertThat(queue.waitingOf("p")).isEqualTo(2);
    assertThat(queue.waitingOf("q")).isEqualTo(3);
    writes.get(0).complete();
    assertThat(written).containsExactly(List.of(first), List.of(a, b));
    assertThat(queue.waiting()).isZero();
    assertThat(queue.waitingOf("p")).isZero();
  }

  @Test
  void aGroupHoldsAtMostTheMaximumAndALargerItemGoesAlone() {
    GroupQueue<Item> queue = queue(1, 5);
    Item blocker = new Item("p", 1);
    queue.add(blocker);
    Item large = new Item("p", 7);
    Item three = new Item("q", 3);
    Item two = new Item("q", 2);
    Item one = new Item("q", 1);
    queue.add(large);
    queue.add(three);
    queue.add(two);
    queue.add(one);
    writes.get(0).complete();
    assertThat(written.get(1)).containsExactly(large);
    writes.get(1).complete();
    assertThat(written.get(2)).containsExactly(three, two);
    writes.get(2).complete();
    assertThat(written.get(3)).containsExactly(one);
  }

  @Test
  void severalGroupsMayBeOutAtOnce() {
    GroupQueue<Item> queue = queue(2, 100);
    queue.add(new Item("p", 1));
    queue.add(new Item("p", 1));
    queue.add(new Item("p", 1));
    assertThat(written).hasSize(2);
    assertThat(queue.waiting()).isEqualTo(1);
    writes.get(1).fail("failed writes free their turn too");
    assertThat(written).hasSize(3);
  }

  @Test
  void anItemNoLongerWantedLeavesWithoutBeingWritten() {
    GroupQueue<Item> queue = queue(1, 100);
    queue.add(new Item("p", 1));
    Item late = new Item("p", 4, false);
    Item kept = new Item("q", 1);
    queue.add(late);
    queue.add(kept);
    writes.get(0).complete();
    assertThat(dropped).containsExactly(late);
    assertThat(written.get(1)).containsExactly(kept);
    assertThat(queue.waitingOf("p")).isZero();
  }

  @Test
  void aGroupOfOnlyUnwantedItemsIsNotWritten() {
    GroupQueue<Item> queue = queue(1, 100);
    queue.add(new Item("p", 1, false));
    assertThat(written).isEmpty();
    assertThat(queue.waiting()).isZero();
    queue.add(new Item("p", 1));
    assertThat(written).hasSize(1);
  }

  @Test
  void itemsWithoutAnOwnerCountOnlyInAll() {
    GroupQueue<Item> queue = new GroupQueue<>(1, Integer.MAX_VALUE, item -> 1, item -> null, (item, now) -> true,
      group -> Promise.<Void>promise().future());
    queue.add(new Item(null, 9));
    queue.add(new Item(null, 9));
    assertThat(queue.waiting()).isEqualTo(1);
  }
}
