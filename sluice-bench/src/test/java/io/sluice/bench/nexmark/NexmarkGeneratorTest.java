package io.sluice.bench.nexmark;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.engine.algebra.Row;
import java.time.LocalDateTime;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class NexmarkGeneratorTest {
    private static final int EVENTS = 50_000;

    @Test
    void kindsComeInTheProportionsOneToThreeToFortySix() {
        NexmarkGenerator g = new NexmarkGenerator(1);
        Map<NexmarkGenerator.Kind, Integer> counts = new EnumMap<>(NexmarkGenerator.Kind.class);
        for (int n = 0; n < EVENTS; n++) {
            counts.merge(g.event(n).kind(), 1, Integer::sum);
        }
        assertThat(counts).containsEntry(NexmarkGenerator.Kind.PERSON, EVENTS / 50)
                .containsEntry(NexmarkGenerator.Kind.AUCTION, EVENTS / 50 * 3)
                .containsEntry(NexmarkGenerator.Kind.BID, EVENTS / 50 * 46);
    }

    @Test
    void theSameSeedGivesTheSameEventsAndAnotherSeedOthers() {
        NexmarkGenerator a = new NexmarkGenerator(7);
        NexmarkGenerator b = new NexmarkGenerator(7);
        NexmarkGenerator c = new NexmarkGenerator(8);
        int differentFromOtherSeed = 0;
        for (int n = 0; n < 5_000; n++) {
            assertThat(a.event(n)).isEqualTo(b.event(n));
            if (!a.event(n).equals(c.event(n))) {
                differentFromOtherSeed++;
            }
        }
        // event n does not depend on which events were generated before it
        assertThat(new NexmarkGenerator(7).event(4_321)).isEqualTo(a.event(4_321));
        assertThat(differentFromOtherSeed).isGreaterThan(4_900);
    }

    @Test
    void timestampsNeverDecreaseAndFollowTheRate() {
        NexmarkGenerator g = new NexmarkGenerator(1);
        LocalDateTime previous = null;
        for (int n = 0; n < EVENTS; n++) {
            NexmarkGenerator.Event e = g.event(n);
            LocalDateTime t = (LocalDateTime) e.row().get(dateTimeColumn(e.kind()));
            if (previous != null) {
                assertThat(t).isAfterOrEqualTo(previous);
            }
            previous = t;
        }
        // 10,000 events per second of event time by default
        assertThat(java.time.Duration.between(
                (LocalDateTime) g.event(0).row().get(6), previous).toMillis()).isEqualTo((EVENTS - 1) / 10);
    }

    @Test
    void idsAreDenseAndBidsGoMostlyToHotAuctionsAndBidders() {
        NexmarkGenerator g = new NexmarkGenerator(3);
        long nextPerson = 1000;
        long nextAuction = 1000;
        Map<Long, Integer> bidsPerAuction = new HashMap<>();
        Map<Long, Integer> bidsPerBidder = new HashMap<>();
        int bids = 0;
        for (int n = 0; n < EVENTS; n++) {
            NexmarkGenerator.Event e = g.event(n);
            Row r = e.row();
            switch (e.kind()) {
                case PERSON -> assertThat(r.get(0)).isEqualTo(nextPerson++);
                case AUCTION -> {
                    assertThat(r.get(0)).isEqualTo(nextAuction++);
                    assertThat((Long) r.get(8)).isBetween(10L, 14L);
                    assertThat((LocalDateTime) r.get(6)).isAfter((LocalDateTime) r.get(5));
                    assertThat((Long) r.get(4)).isGreaterThanOrEqualTo((Long) r.get(3));
                }
                case BID -> {
                    bids++;
                    bidsPerAuction.merge((Long) r.get(0), 1, Integer::sum);
                    bidsPerBidder.merge((Long) r.get(1), 1, Integer::sum);
                    assertThat((Long) r.get(2)).isBetween(100L, 100_000_000L);
                }
            }
        }
        // half the bids go to the current hot auction: a multiple of 100 ids (plus the first id)
        long hotAuctionBids = bidsPerAuction.entrySet().stream().filter(x -> (x.getKey() - 1000) % 100 == 0)
                .mapToLong(Map.Entry::getValue).sum();
        assertThat((double) hotAuctionBids / bids).isBetween(0.45, 0.60);
        long hotBidderBids = bidsPerBidder.entrySet().stream().filter(x -> (x.getKey() - 1001) % 100 == 0)
                .mapToLong(Map.Entry::getValue).sum();
        assertThat((double) hotBidderBids / bids).isBetween(0.70, 0.80);
    }

    private static int dateTimeColumn(NexmarkGenerator.Kind kind) {
        return switch (kind) {
            case PERSON, AUCTION -> kind == NexmarkGenerator.Kind.PERSON ? 6 : 5;
            case BID -> 5;
        };
    }
}
